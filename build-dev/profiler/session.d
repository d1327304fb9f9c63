build-dev/profiler/session.o: profiler/session.c profiler/session.h \
 profiler/events.h profiler/ring.h profiler/sink.h \
 profiler/../recording/recfile.h profiler/decode.h profiler/event.h \
 profiler/frames.h profiler/offcpu.h profiler/blocked.h profiler/stack.h \
 profiler/world.h profiler/order.h profiler/source.h profiler/pypend.h \
 profiler/procfs.h profiler/srclines.h profiler/ttyfwd.h \
 profiler/../common/error.h profiler/../common/log.h \
 profiler/../common/outfile.h profiler/../recording/recwriter.h \
 profiler/../recording/recfile.h profiler/../unwind/kallsyms.h \
 profiler/../unwind/python/python.h profiler/../bpf/beamstack.h \
 profiler/../bpf/pybpf.h profiler/../bpf/pystack.h \
 profiler/../bpf/beamstack.h
profiler/session.h:
profiler/events.h:
profiler/ring.h:
profiler/sink.h:
profiler/../recording/recfile.h:
profiler/decode.h:
profiler/event.h:
profiler/frames.h:
profiler/offcpu.h:
profiler/blocked.h:
profiler/stack.h:
profiler/world.h:
profiler/order.h:
profiler/source.h:
profiler/pypend.h:
profiler/procfs.h:
profiler/srclines.h:
profiler/ttyfwd.h:
profiler/../common/error.h:
profiler/../common/log.h:
profiler/../common/outfile.h:
profiler/../recording/recwriter.h:
profiler/../recording/recfile.h:
profiler/../unwind/kallsyms.h:
profiler/../unwind/python/python.h:
profiler/../bpf/beamstack.h:
profiler/../bpf/pybpf.h:
profiler/../bpf/pystack.h:
profiler/../bpf/beamstack.h:
