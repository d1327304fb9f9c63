build-dev/profiler/source_bpf.o: profiler/source_bpf.c profiler/source.h \
 profiler/event.h profiler/../bpf/pybpf.h profiler/../bpf/pystack.h \
 profiler/../bpf/beamstack.h
profiler/source.h:
profiler/event.h:
profiler/../bpf/pybpf.h:
profiler/../bpf/pystack.h:
profiler/../bpf/beamstack.h:
