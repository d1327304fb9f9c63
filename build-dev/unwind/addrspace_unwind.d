build-dev/unwind/addrspace_unwind.o: unwind/addrspace_unwind.c \
 unwind/addrspaceP.h unwind/addrspace.h unwind/../recording/recfile.h
unwind/addrspaceP.h:
unwind/addrspace.h:
unwind/../recording/recfile.h:
