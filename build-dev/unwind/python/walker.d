build-dev/unwind/python/walker.o: unwind/python/walker.c \
 unwind/python/python.h unwind/python/detect.h unwind/python/pyint.h \
 unwind/python/../../common/error.h unwind/python/../../common/intern.h \
 unwind/python/../../bpf/pystack.h
unwind/python/python.h:
unwind/python/detect.h:
unwind/python/pyint.h:
unwind/python/../../common/error.h:
unwind/python/../../common/intern.h:
unwind/python/../../bpf/pystack.h:
