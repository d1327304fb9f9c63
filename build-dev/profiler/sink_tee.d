build-dev/profiler/sink_tee.o: profiler/sink_tee.c profiler/sink.h \
 profiler/../recording/recfile.h
profiler/sink.h:
profiler/../recording/recfile.h:
