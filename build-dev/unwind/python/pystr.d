build-dev/unwind/python/pystr.o: unwind/python/pystr.c \
 unwind/python/pyint.h unwind/python/../../common/error.h
unwind/python/pyint.h:
unwind/python/../../common/error.h:
