build-dev/profiler/stack_root.o: profiler/stack_root.c profiler/stack.h \
 profiler/event.h profiler/events.h profiler/ring.h profiler/frames.h \
 profiler/../recording/recfile.h profiler/sink.h
profiler/stack.h:
profiler/event.h:
profiler/events.h:
profiler/ring.h:
profiler/frames.h:
profiler/../recording/recfile.h:
profiler/sink.h:
