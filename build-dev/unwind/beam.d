build-dev/unwind/beam.o: unwind/beam.c unwind/beam.h unwind/perfmap.h \
 unwind/../recording/recfile.h
unwind/beam.h:
unwind/perfmap.h:
unwind/../recording/recfile.h:
