build-dev/recording/recwriter.o: recording/recwriter.c \
 recording/recwriter.h recording/recfile.h
recording/recwriter.h:
recording/recfile.h:
