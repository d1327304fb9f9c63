build-dev/profiler/offcpu.o: profiler/offcpu.c profiler/offcpu.h \
 profiler/sink.h profiler/../recording/recfile.h
profiler/offcpu.h:
profiler/sink.h:
profiler/../recording/recfile.h:
