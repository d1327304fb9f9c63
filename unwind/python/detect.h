/* detect.h - finding CPython in a process (private to unwind/python). */
#ifndef FLAMER_UNWIND_PYDETECT_H
#define FLAMER_UNWIND_PYDETECT_H

#include <limits.h>
#include <stdint.h>
#include <sys/types.h>

struct pytarget {
	char path[PATH_MAX];      /* ELF file defining _PyRuntime, as mapped */
	char open_path[PATH_MAX + 32]; /* the same through /proc/PID/root */
	uint64_t bias;            /* load bias of that file */
	uint64_t runtime;         /* address of _PyRuntime in the target */
	uint64_t runtime_size;
	/* addresses of PyUnicode_Type, PyLong_Type, PyDict_Type and
	 * PyModule_Type in the target, 0 when the file does not define them */
	uint64_t type_str, type_long, type_dict, type_module;
	int minor;                /* 3.minor */
	char version[32];         /* "3.11.7", or "3.11" */
};

/* py_detect - fill *t for process pid.  Returns 0; -FE_UNSUPPORTED when no
 * mapped file defines _PyRuntime or the version is outside 3.8-3.13;
 * -FE_NO_TARGET when the process does not exist; -EACCES/-EPERM. */
int py_detect(pid_t pid, struct pytarget *t);

#endif
