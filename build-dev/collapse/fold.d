build-dev/collapse/fold.o: collapse/fold.c collapse/fold.h \
 collapse/../common/vec.h collapse/../common/error.h \
 collapse/../common/intern.h
collapse/fold.h:
collapse/../common/vec.h:
collapse/../common/error.h:
collapse/../common/intern.h:
