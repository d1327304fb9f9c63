build-dev/profiler/interp.o: profiler/interp.c profiler/interp.h \
 profiler/../unwind/addrspace.h profiler/../unwind/../recording/recfile.h
profiler/interp.h:
profiler/../unwind/addrspace.h:
profiler/../unwind/../recording/recfile.h:
