build-dev/dump/cmd_dump.o: dump/cmd_dump.c dump/dump.h \
 dump/../unwind/addrspace.h dump/../unwind/../recording/recfile.h \
 dump/../unwind/python/python.h dump/../commands.h dump/../common/error.h \
 dump/../common/log.h dump/../common/num.h dump/../profiler/frames.h \
 dump/../profiler/../recording/recfile.h dump/../profiler/sink.h \
 dump/../profiler/interp.h dump/../profiler/stack.h \
 dump/../profiler/event.h dump/../profiler/events.h \
 dump/../profiler/ring.h dump/../profiler/frames.h \
 dump/../profiler/world.h
dump/dump.h:
dump/../unwind/addrspace.h:
dump/../unwind/../recording/recfile.h:
dump/../unwind/python/python.h:
dump/../commands.h:
dump/../common/error.h:
dump/../common/log.h:
dump/../common/num.h:
dump/../profiler/frames.h:
dump/../profiler/../recording/recfile.h:
dump/../profiler/sink.h:
dump/../profiler/interp.h:
dump/../profiler/stack.h:
dump/../profiler/event.h:
dump/../profiler/events.h:
dump/../profiler/ring.h:
dump/../profiler/frames.h:
dump/../profiler/world.h:
