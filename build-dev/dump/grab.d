build-dev/dump/grab.o: dump/grab.c dump/dump.h dump/../unwind/addrspace.h \
 dump/../unwind/../recording/recfile.h dump/../unwind/python/python.h \
 dump/../common/error.h
dump/dump.h:
dump/../unwind/addrspace.h:
dump/../unwind/../recording/recfile.h:
dump/../unwind/python/python.h:
dump/../common/error.h:
