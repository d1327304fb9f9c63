build-dev/profiler/blocked.o: profiler/blocked.c profiler/blocked.h \
 profiler/frames.h profiler/../recording/recfile.h profiler/sink.h \
 profiler/offcpu.h profiler/stack.h profiler/event.h profiler/events.h \
 profiler/ring.h profiler/world.h profiler/procfs.h \
 profiler/../dump/dump.h profiler/../dump/../unwind/addrspace.h \
 profiler/../dump/../unwind/../recording/recfile.h \
 profiler/../dump/../unwind/python/python.h
profiler/blocked.h:
profiler/frames.h:
profiler/../recording/recfile.h:
profiler/sink.h:
profiler/offcpu.h:
profiler/stack.h:
profiler/event.h:
profiler/events.h:
profiler/ring.h:
profiler/world.h:
profiler/procfs.h:
profiler/../dump/dump.h:
profiler/../dump/../unwind/addrspace.h:
profiler/../dump/../unwind/../recording/recfile.h:
profiler/../dump/../unwind/python/python.h:
