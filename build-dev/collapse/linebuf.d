build-dev/collapse/linebuf.o: collapse/linebuf.c collapse/linebuf.h
collapse/linebuf.h:
