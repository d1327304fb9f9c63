build-dev/render/script.o: render/script.c render/svg.h
render/svg.h:
