build-dev/collapse/perfscript.o: collapse/perfscript.c \
 collapse/perfscript.h collapse/fold.h collapse/linebuf.h
collapse/perfscript.h:
collapse/fold.h:
collapse/linebuf.h:
