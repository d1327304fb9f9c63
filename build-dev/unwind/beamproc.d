build-dev/unwind/beamproc.o: unwind/beamproc.c unwind/beamproc.h \
 unwind/../bpf/beamstack.h unwind/buildid.h unwind/../common/error.h
unwind/beamproc.h:
unwind/../bpf/beamstack.h:
unwind/buildid.h:
unwind/../common/error.h:
