build-dev/profiler/decode.o: profiler/decode.c profiler/decode.h \
 profiler/event.h profiler/../common/error.h
profiler/decode.h:
profiler/event.h:
profiler/../common/error.h:
