build-dev/render/recinput.o: render/recinput.c render/input.h \
 render/../common/folded.h render/../collapse/fold.h \
 render/../collapse/recfold.h render/../collapse/fold.h \
 render/../collapse/../recording/recreader.h \
 render/../collapse/../recording/recfile.h \
 render/../recording/recreader.h render/../common/error.h
render/input.h:
render/../common/folded.h:
render/../collapse/fold.h:
render/../collapse/recfold.h:
render/../collapse/fold.h:
render/../collapse/../recording/recreader.h:
render/../collapse/../recording/recfile.h:
render/../recording/recreader.h:
render/../common/error.h:
