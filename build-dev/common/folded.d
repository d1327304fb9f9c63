build-dev/common/folded.o: common/folded.c common/folded.h common/error.h
common/folded.h:
common/error.h:
