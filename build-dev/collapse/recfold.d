build-dev/collapse/recfold.o: collapse/recfold.c collapse/recfold.h \
 collapse/fold.h collapse/../recording/recreader.h \
 collapse/../recording/recfile.h collapse/plumbing.h \
 collapse/../common/vec.h collapse/../common/error.h \
 collapse/../common/intern.h
collapse/recfold.h:
collapse/fold.h:
collapse/../recording/recreader.h:
collapse/../recording/recfile.h:
collapse/plumbing.h:
collapse/../common/vec.h:
collapse/../common/error.h:
collapse/../common/intern.h:
