build-dev/unwind/addrspace_maps.o: unwind/addrspace_maps.c \
 unwind/addrspaceP.h unwind/addrspace.h unwind/../recording/recfile.h \
 unwind/../common/vec.h
unwind/addrspaceP.h:
unwind/addrspace.h:
unwind/../recording/recfile.h:
unwind/../common/vec.h:
