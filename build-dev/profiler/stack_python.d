build-dev/profiler/stack_python.o: profiler/stack_python.c \
 profiler/stack.h profiler/event.h profiler/events.h profiler/ring.h \
 profiler/frames.h profiler/../recording/recfile.h profiler/sink.h \
 profiler/../unwind/python/python.h
profiler/stack.h:
profiler/event.h:
profiler/events.h:
profiler/ring.h:
profiler/frames.h:
profiler/../recording/recfile.h:
profiler/sink.h:
profiler/../unwind/python/python.h:
