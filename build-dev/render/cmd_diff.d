build-dev/render/cmd_diff.o: render/cmd_diff.c render/../commands.h \
 render/../common/error.h render/../common/intern.h \
 render/../common/log.h render/flame.h render/palette.h render/text.h \
 render/input.h render/../common/folded.h render/options.h
render/../commands.h:
render/../common/error.h:
render/../common/intern.h:
render/../common/log.h:
render/flame.h:
render/palette.h:
render/text.h:
render/input.h:
render/../common/folded.h:
render/options.h:
