build-dev/unwind/python/layout.o: unwind/python/layout.c \
 unwind/python/pyint.h unwind/python/../../common/error.h
unwind/python/pyint.h:
unwind/python/../../common/error.h:
