build-dev/profiler/ring.o: profiler/ring.c profiler/ring.h
profiler/ring.h:
