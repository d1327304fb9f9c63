build-dev/unwind/kallsyms.o: unwind/kallsyms.c unwind/kallsyms.h
unwind/kallsyms.h:
