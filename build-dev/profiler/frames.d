build-dev/profiler/frames.o: profiler/frames.c profiler/frames.h \
 profiler/../recording/recfile.h profiler/sink.h profiler/../common/vec.h \
 profiler/../common/intern.h
profiler/frames.h:
profiler/../recording/recfile.h:
profiler/sink.h:
profiler/../common/vec.h:
profiler/../common/intern.h:
