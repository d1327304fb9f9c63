build-dev/collapse/plumbing.o: collapse/plumbing.c collapse/plumbing.h \
 collapse/../recording/recfile.h
collapse/plumbing.h:
collapse/../recording/recfile.h:
