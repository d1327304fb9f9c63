build-dev/render/text.o: render/text.c render/text.h
render/text.h:
