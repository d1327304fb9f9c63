build-dev/render/options.o: render/options.c render/options.h \
 render/flame.h render/palette.h render/text.h render/palfile.h \
 render/../common/error.h render/../common/log.h render/../common/num.h \
 render/../common/outfile.h
render/options.h:
render/flame.h:
render/palette.h:
render/text.h:
render/palfile.h:
render/../common/error.h:
render/../common/log.h:
render/../common/num.h:
render/../common/outfile.h:
