build-dev/common/vec.o: common/vec.c common/vec.h
common/vec.h:
