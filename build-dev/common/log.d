build-dev/common/log.o: common/log.c common/log.h common/error.h
common/log.h:
common/error.h:
