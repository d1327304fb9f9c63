build-dev/gen/pprof/profile.pb-c.o: build-dev/gen/pprof/profile.pb-c.c \
 build-dev/gen/pprof/profile.pb-c.h
build-dev/gen/pprof/profile.pb-c.h:
