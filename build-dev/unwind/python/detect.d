build-dev/unwind/python/detect.o: unwind/python/detect.c \
 unwind/python/detect.h unwind/python/../../common/error.h
unwind/python/detect.h:
unwind/python/../../common/error.h:
