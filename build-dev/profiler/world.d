build-dev/profiler/world.o: profiler/world.c profiler/world.h \
 profiler/event.h profiler/sink.h profiler/../recording/recfile.h \
 profiler/interp.h profiler/procfs.h profiler/../common/error.h \
 profiler/../common/intern.h profiler/../common/log.h \
 profiler/../common/vec.h profiler/../unwind/addrspace.h \
 profiler/../unwind/../recording/recfile.h profiler/../unwind/beam.h \
 profiler/../unwind/beamproc.h profiler/../unwind/../bpf/beamstack.h \
 profiler/../unwind/buildid.h profiler/../unwind/perfmap.h \
 profiler/../unwind/python/python.h profiler/../bpf/pybpf.h \
 profiler/../bpf/pystack.h profiler/../bpf/beamstack.h
profiler/world.h:
profiler/event.h:
profiler/sink.h:
profiler/../recording/recfile.h:
profiler/interp.h:
profiler/procfs.h:
profiler/../common/error.h:
profiler/../common/intern.h:
profiler/../common/log.h:
profiler/../common/vec.h:
profiler/../unwind/addrspace.h:
profiler/../unwind/../recording/recfile.h:
profiler/../unwind/beam.h:
profiler/../unwind/beamproc.h:
profiler/../unwind/../bpf/beamstack.h:
profiler/../unwind/buildid.h:
profiler/../unwind/perfmap.h:
profiler/../unwind/python/python.h:
profiler/../bpf/pybpf.h:
profiler/../bpf/pystack.h:
profiler/../bpf/beamstack.h:
