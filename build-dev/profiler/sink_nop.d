build-dev/profiler/sink_nop.o: profiler/sink_nop.c profiler/sink.h \
 profiler/../recording/recfile.h
profiler/sink.h:
profiler/../recording/recfile.h:
