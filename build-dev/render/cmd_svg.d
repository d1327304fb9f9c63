build-dev/render/cmd_svg.o: render/cmd_svg.c render/../commands.h \
 render/../common/error.h render/../common/log.h render/flame.h \
 render/palette.h render/text.h render/input.h render/../common/folded.h \
 render/options.h
render/../commands.h:
render/../common/error.h:
render/../common/log.h:
render/flame.h:
render/palette.h:
render/text.h:
render/input.h:
render/../common/folded.h:
render/options.h:
