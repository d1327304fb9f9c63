build-dev/unwind/python/linetable.o: unwind/python/linetable.c \
 unwind/python/pyint.h
unwind/python/pyint.h:
