build-dev/dump/syscalls.o: dump/syscalls.c dump/dump.h \
 dump/../unwind/addrspace.h dump/../unwind/../recording/recfile.h \
 dump/../unwind/python/python.h
dump/dump.h:
dump/../unwind/addrspace.h:
dump/../unwind/../recording/recfile.h:
dump/../unwind/python/python.h:
