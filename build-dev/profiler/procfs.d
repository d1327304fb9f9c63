build-dev/profiler/procfs.o: profiler/procfs.c profiler/procfs.h
profiler/procfs.h:
