build-dev/recording/recreader.o: recording/recreader.c \
 recording/recreader.h recording/recfile.h recording/../common/error.h
recording/recreader.h:
recording/recfile.h:
recording/../common/error.h:
