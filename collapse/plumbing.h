/* plumbing.h - which native frames of a CPython stack are interpreter
 * plumbing: C functions whose only job is to pass a call on (the eval
 * loop's entry points, the vectorcall and PyObject_Call chains, bound and
 * builtin method dispatch), and which ones only bridge into Python code.
 *
 * Folded away by default at collapse time so that a Python-level chain
 * "outer;inner" reads the same on 3.8 and 3.13 (docs/python.md, "Folding
 * the interpreter's plumbing").  The lists are data, measured on real
 * stacks of CPython 3.8-3.13 and Debian's 3.11 (samples/python/plumbing.py).
 */
#ifndef FLAMER_COLLAPSE_PLUMBING_H
#define FLAMER_COLLAPSE_PLUMBING_H

#include <stddef.h>

enum plumb {
	PLUMB_NONE = 0,   /* real work: kept */
	PLUMB_CALL = 1,   /* call machinery: folded wherever it is */
	PLUMB_BRIDGE = 2, /* folded only on the way into a Python frame */
};

/* The class of a frame named name[0..len) (the recorded name, without the
 * collapsed "_[i]" suffix) of the given frame_kind (recording/recfile.h).
 * Compiler suffixes (".cold", ".lto_priv.0", ".isra.0", ...) are ignored.
 * Only native and inlined frames are plumbing, plus the one Python frame
 * CPython 3.13 runs as a shim ("__init__ (__init__)", _Py_InitCleanup). */
enum plumb plumb_class(const char *name, size_t len, int kind);

#endif
