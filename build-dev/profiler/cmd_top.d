build-dev/profiler/cmd_top.o: profiler/cmd_top.c profiler/../commands.h \
 profiler/../common/error.h profiler/../common/log.h \
 profiler/../common/num.h profiler/session.h profiler/events.h \
 profiler/ring.h profiler/sink.h profiler/../recording/recfile.h \
 profiler/sink_top.h
profiler/../commands.h:
profiler/../common/error.h:
profiler/../common/log.h:
profiler/../common/num.h:
profiler/session.h:
profiler/events.h:
profiler/ring.h:
profiler/sink.h:
profiler/../recording/recfile.h:
profiler/sink_top.h:
