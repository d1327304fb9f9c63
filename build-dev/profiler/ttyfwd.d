build-dev/profiler/ttyfwd.o: profiler/ttyfwd.c profiler/ttyfwd.h
profiler/ttyfwd.h:
