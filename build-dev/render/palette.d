build-dev/render/palette.o: render/palette.c render/palette.h \
 render/text.h render/../common/error.h render/../common/intern.h
render/palette.h:
render/text.h:
render/../common/error.h:
render/../common/intern.h:
