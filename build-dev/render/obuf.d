build-dev/render/obuf.o: render/obuf.c render/obuf.h
render/obuf.h:
