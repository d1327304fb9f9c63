build-dev/collapse/speedscope.o: collapse/speedscope.c \
 collapse/speedscope.h collapse/fold.h collapse/../common/intern.h
collapse/speedscope.h:
collapse/fold.h:
collapse/../common/intern.h:
