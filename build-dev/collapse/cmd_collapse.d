build-dev/collapse/cmd_collapse.o: collapse/cmd_collapse.c \
 collapse/../commands.h collapse/../common/error.h \
 collapse/../common/log.h collapse/../common/num.h \
 collapse/../common/outfile.h collapse/fold.h collapse/foldedin.h \
 collapse/perfscript.h collapse/pprof.h collapse/recfold.h \
 collapse/../recording/recreader.h collapse/../recording/recfile.h \
 collapse/speedscope.h collapse/stap.h
collapse/../commands.h:
collapse/../common/error.h:
collapse/../common/log.h:
collapse/../common/num.h:
collapse/../common/outfile.h:
collapse/fold.h:
collapse/foldedin.h:
collapse/perfscript.h:
collapse/pprof.h:
collapse/recfold.h:
collapse/../recording/recreader.h:
collapse/../recording/recfile.h:
collapse/speedscope.h:
collapse/stap.h:
