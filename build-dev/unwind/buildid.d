build-dev/unwind/buildid.o: unwind/buildid.c unwind/buildid.h \
 unwind/../common/vec.h
unwind/buildid.h:
unwind/../common/vec.h:
