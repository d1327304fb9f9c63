build-dev/unwind/addrspace_symtab.o: unwind/addrspace_symtab.c \
 unwind/addrspaceP.h unwind/addrspace.h unwind/../recording/recfile.h \
 unwind/../common/vec.h
unwind/addrspaceP.h:
unwind/addrspace.h:
unwind/../recording/recfile.h:
unwind/../common/vec.h:
