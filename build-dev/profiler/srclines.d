build-dev/profiler/srclines.o: profiler/srclines.c profiler/srclines.h \
 profiler/sink.h profiler/../recording/recfile.h profiler/frames.h \
 profiler/world.h profiler/event.h profiler/../unwind/srcfile.h
profiler/srclines.h:
profiler/sink.h:
profiler/../recording/recfile.h:
profiler/frames.h:
profiler/world.h:
profiler/event.h:
profiler/../unwind/srcfile.h:
