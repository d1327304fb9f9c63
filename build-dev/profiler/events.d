build-dev/profiler/events.o: profiler/events.c profiler/events.h \
 profiler/ring.h profiler/decode.h profiler/event.h \
 profiler/../common/vec.h profiler/../common/error.h
profiler/events.h:
profiler/ring.h:
profiler/decode.h:
profiler/event.h:
profiler/../common/vec.h:
profiler/../common/error.h:
