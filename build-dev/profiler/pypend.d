build-dev/profiler/pypend.o: profiler/pypend.c profiler/pypend.h \
 profiler/event.h profiler/../bpf/pystack.h
profiler/pypend.h:
profiler/event.h:
profiler/../bpf/pystack.h:
