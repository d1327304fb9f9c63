build-dev/collapse/foldedin.o: collapse/foldedin.c collapse/foldedin.h \
 collapse/fold.h collapse/linebuf.h collapse/../common/folded.h
collapse/foldedin.h:
collapse/fold.h:
collapse/linebuf.h:
collapse/../common/folded.h:
