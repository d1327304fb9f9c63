build-dev/collapse/pprof.o: collapse/pprof.c collapse/pprof.h \
 collapse/fold.h collapse/../common/intern.h \
 build-dev/gen/pprof/profile.pb-c.h
collapse/pprof.h:
collapse/fold.h:
collapse/../common/intern.h:
build-dev/gen/pprof/profile.pb-c.h:
