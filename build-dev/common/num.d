build-dev/common/num.o: common/num.c common/num.h common/error.h
common/num.h:
common/error.h:
