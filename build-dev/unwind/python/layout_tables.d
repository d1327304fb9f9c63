build-dev/unwind/python/layout_tables.o: unwind/python/layout_tables.c \
 unwind/python/pyint.h
unwind/python/pyint.h:
