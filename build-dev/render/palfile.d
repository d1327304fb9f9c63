build-dev/render/palfile.o: render/palfile.c render/palfile.h \
 render/obuf.h render/../common/intern.h render/../common/outfile.h
render/palfile.h:
render/obuf.h:
render/../common/intern.h:
render/../common/outfile.h:
