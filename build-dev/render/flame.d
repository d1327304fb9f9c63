build-dev/render/flame.o: render/flame.c render/flame.h render/palette.h \
 render/text.h render/../common/error.h render/../common/intern.h
render/flame.h:
render/palette.h:
render/text.h:
render/../common/error.h:
render/../common/intern.h:
