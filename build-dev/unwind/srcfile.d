build-dev/unwind/srcfile.o: unwind/srcfile.c unwind/srcfile.h \
 unwind/../common/debuginfo.h
unwind/srcfile.h:
unwind/../common/debuginfo.h:
