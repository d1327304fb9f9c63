build-dev/unwind/addrspace_var.o: unwind/addrspace_var.c \
 unwind/addrspaceP.h unwind/addrspace.h unwind/../recording/recfile.h
unwind/addrspaceP.h:
unwind/addrspace.h:
unwind/../recording/recfile.h:
