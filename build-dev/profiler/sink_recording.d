build-dev/profiler/sink_recording.o: profiler/sink_recording.c \
 profiler/sink.h profiler/../recording/recfile.h \
 profiler/../recording/recwriter.h profiler/../recording/recfile.h
profiler/sink.h:
profiler/../recording/recfile.h:
profiler/../recording/recwriter.h:
profiler/../recording/recfile.h:
