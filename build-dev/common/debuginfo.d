build-dev/common/debuginfo.o: common/debuginfo.c common/debuginfo.h
common/debuginfo.h:
