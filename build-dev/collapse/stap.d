build-dev/collapse/stap.o: collapse/stap.c collapse/stap.h \
 collapse/fold.h collapse/../common/vec.h collapse/linebuf.h
collapse/stap.h:
collapse/fold.h:
collapse/../common/vec.h:
collapse/linebuf.h:
