build-dev/profiler/stack.o: profiler/stack.c profiler/stack.h \
 profiler/event.h profiler/events.h profiler/ring.h profiler/frames.h \
 profiler/../recording/recfile.h profiler/sink.h profiler/world.h \
 profiler/../common/error.h profiler/../common/intern.h \
 profiler/../common/log.h profiler/../common/num.h \
 profiler/../unwind/addrspace.h profiler/../unwind/../recording/recfile.h \
 profiler/../unwind/kallsyms.h profiler/../unwind/python/python.h \
 profiler/../bpf/pystack.h profiler/../bpf/beamstack.h \
 profiler/../unwind/beamproc.h profiler/../unwind/../bpf/beamstack.h
profiler/stack.h:
profiler/event.h:
profiler/events.h:
profiler/ring.h:
profiler/frames.h:
profiler/../recording/recfile.h:
profiler/sink.h:
profiler/world.h:
profiler/../common/error.h:
profiler/../common/intern.h:
profiler/../common/log.h:
profiler/../common/num.h:
profiler/../unwind/addrspace.h:
profiler/../unwind/../recording/recfile.h:
profiler/../unwind/kallsyms.h:
profiler/../unwind/python/python.h:
profiler/../bpf/pystack.h:
profiler/../bpf/beamstack.h:
profiler/../unwind/beamproc.h:
profiler/../unwind/../bpf/beamstack.h:
