build-dev/common/outfile.o: common/outfile.c common/outfile.h \
 common/error.h
common/outfile.h:
common/error.h:
