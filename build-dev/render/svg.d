build-dev/render/svg.o: render/svg.c render/flame.h render/palette.h \
 render/text.h render/obuf.h render/palfile.h render/svg.h \
 render/../common/error.h
render/flame.h:
render/palette.h:
render/text.h:
render/obuf.h:
render/palfile.h:
render/svg.h:
render/../common/error.h:
