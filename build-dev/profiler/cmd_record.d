build-dev/profiler/cmd_record.o: profiler/cmd_record.c \
 profiler/../commands.h profiler/../common/error.h \
 profiler/../common/log.h profiler/../common/num.h profiler/interp.h \
 profiler/session.h profiler/events.h profiler/ring.h profiler/sink.h \
 profiler/../recording/recfile.h
profiler/../commands.h:
profiler/../common/error.h:
profiler/../common/log.h:
profiler/../common/num.h:
profiler/interp.h:
profiler/session.h:
profiler/events.h:
profiler/ring.h:
profiler/sink.h:
profiler/../recording/recfile.h:
