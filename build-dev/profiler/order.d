build-dev/profiler/order.o: profiler/order.c profiler/order.h \
 profiler/event.h profiler/source.h profiler/../common/vec.h
profiler/order.h:
profiler/event.h:
profiler/source.h:
profiler/../common/vec.h:
