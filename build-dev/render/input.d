build-dev/render/input.o: render/input.c render/input.h \
 render/../common/folded.h
render/input.h:
render/../common/folded.h:
