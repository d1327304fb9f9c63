build-dev/unwind/perfmap.o: unwind/perfmap.c unwind/perfmap.h \
 unwind/../recording/recfile.h unwind/../common/error.h
unwind/perfmap.h:
unwind/../recording/recfile.h:
unwind/../common/error.h:
