build-dev/common/intern.o: common/intern.c common/intern.h
common/intern.h:
