build-dev/bpf/pybpf.o: bpf/pybpf.c bpf/pybpf.h bpf/pystack.h \
 bpf/beamstack.h build-dev/bpf/pystack.skel.h
bpf/pybpf.h:
bpf/pystack.h:
bpf/beamstack.h:
build-dev/bpf/pystack.skel.h:
