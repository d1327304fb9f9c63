build-dev/unwind/python/pynames.o: unwind/python/pynames.c \
 unwind/python/pyint.h unwind/python/../../common/error.h
unwind/python/pyint.h:
unwind/python/../../common/error.h:
