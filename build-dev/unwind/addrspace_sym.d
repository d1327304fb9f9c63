build-dev/unwind/addrspace_sym.o: unwind/addrspace_sym.c \
 unwind/addrspaceP.h unwind/addrspace.h unwind/../recording/recfile.h \
 unwind/../common/debuginfo.h unwind/../common/error.h
unwind/addrspaceP.h:
unwind/addrspace.h:
unwind/../recording/recfile.h:
unwind/../common/debuginfo.h:
unwind/../common/error.h:
