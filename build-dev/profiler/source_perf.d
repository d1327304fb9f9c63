build-dev/profiler/source_perf.o: profiler/source_perf.c \
 profiler/source.h profiler/event.h profiler/decode.h profiler/ring.h
profiler/source.h:
profiler/event.h:
profiler/decode.h:
profiler/ring.h:
