build-dev/main.o: main.c commands.h common/error.h common/log.h
commands.h:
common/error.h:
common/log.h:
