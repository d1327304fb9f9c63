build-dev/unwind/python/layout_dwarf.o: unwind/python/layout_dwarf.c \
 unwind/python/pyint.h unwind/python/../../common/debuginfo.h \
 unwind/python/../../common/error.h
unwind/python/pyint.h:
unwind/python/../../common/debuginfo.h:
unwind/python/../../common/error.h:
