build-dev/profiler/sink_top.o: profiler/sink_top.c profiler/sink_top.h \
 profiler/sink.h profiler/../recording/recfile.h
profiler/sink_top.h:
profiler/sink.h:
profiler/../recording/recfile.h:
