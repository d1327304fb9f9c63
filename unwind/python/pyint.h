/* pyint.h - private parts of the CPython walker, shared by its files and its
 * unit tests: the layout (struct member offsets) and where it comes from,
 * the line-table decoders. */
#ifndef FLAMER_UNWIND_PYINT_H
#define FLAMER_UNWIND_PYINT_H

#include <stddef.h>
#include <stdint.h>

/* The C structs the walker reads.  Each has alternative names (typedef or
 * struct tag) as found in DWARF, and the minor versions that have it. */
#define PY_STRUCTS(X)                                                       \
	X(PS_RUNTIME, "_PyRuntimeState|pyruntimestate", 8, 13)             \
	X(PS_INTERP, "PyInterpreterState|_is", 8, 13)                      \
	X(PS_TSTATE, "PyThreadState|_ts", 8, 13)                           \
	X(PS_CFRAME, "_PyCFrame", 11, 12)                                  \
	X(PS_IFRAME, "_PyInterpreterFrame", 11, 13)                        \
	X(PS_FRAMEOBJ, "PyFrameObject|_frame", 8, 10)                      \
	X(PS_CODE, "PyCodeObject", 8, 13)                                  \
	X(PS_BYTES, "PyBytesObject", 8, 10)                                \
	X(PS_ASCII, "PyASCIIObject", 8, 13)                                \
	X(PS_COMPACT, "PyCompactUnicodeObject", 8, 13)

enum py_struct {
#define PY_STRUCT_ENUM_(id, names, lo, hi) id,
	PY_STRUCTS(PY_STRUCT_ENUM_)
#undef PY_STRUCT_ENUM_
	PS_COUNT_
};

/* Every offset the walker uses: name, struct (in order of preference: the
 * first struct of the version that has the member wins), member path with
 * alternatives separated by '|' and nested members by '.', "" = sizeof. */
#define PY_FIELDS(X)                                                        \
	X(rt_interp_head, PS_RUNTIME, PS_RUNTIME, "interpreters.head")      \
	X(is_next, PS_INTERP, PS_INTERP, "next")                            \
	X(is_threads_head, PS_INTERP, PS_INTERP, "threads.head|tstate_head") \
	X(ts_next, PS_TSTATE, PS_TSTATE, "next")                            \
	X(ts_interp, PS_TSTATE, PS_TSTATE, "interp")                        \
	X(ts_frame, PS_TSTATE, PS_TSTATE, "current_frame|frame")            \
	X(ts_cframe, PS_TSTATE, PS_TSTATE, "cframe")                        \
	X(ts_thread_id, PS_TSTATE, PS_TSTATE, "thread_id")                  \
	X(ts_native_thread_id, PS_TSTATE, PS_TSTATE, "native_thread_id")    \
	X(cf_current_frame, PS_CFRAME, PS_CFRAME, "current_frame")          \
	X(fr_previous, PS_IFRAME, PS_FRAMEOBJ, "previous|f_back")           \
	X(fr_code, PS_IFRAME, PS_FRAMEOBJ, "f_executable|f_code")           \
	X(fr_instr, PS_IFRAME, PS_FRAMEOBJ, "instr_ptr|prev_instr|f_lasti") \
	X(fr_owner, PS_IFRAME, PS_IFRAME, "owner")                          \
	X(fr_is_entry, PS_IFRAME, PS_IFRAME, "is_entry")                    \
	X(co_filename, PS_CODE, PS_CODE, "co_filename")                     \
	X(co_name, PS_CODE, PS_CODE, "co_name")                             \
	X(co_qualname, PS_CODE, PS_CODE, "co_qualname")                     \
	X(co_firstlineno, PS_CODE, PS_CODE, "co_firstlineno")               \
	X(co_linetable, PS_CODE, PS_CODE, "co_linetable|co_lnotab")         \
	X(co_code_adaptive, PS_CODE, PS_CODE, "co_code_adaptive")           \
	X(co_code, PS_CODE, PS_CODE, "co_code")                             \
	X(bytes_sval, PS_BYTES, PS_BYTES, "ob_sval")                        \
	X(str_length, PS_ASCII, PS_ASCII, "length")                         \
	X(str_state, PS_ASCII, PS_ASCII, "state")                           \
	X(str_ascii_size, PS_ASCII, PS_ASCII, "")                           \
	X(str_compact_size, PS_COMPACT, PS_COMPACT, "")

/* A layout: byte offsets, -1 where the version has no such member. */
struct pylayout {
	int minor; /* 3.minor */
#define PY_FIELD_DECL_(name, s1, s2, path) int32_t name;
	PY_FIELDS(PY_FIELD_DECL_)
#undef PY_FIELD_DECL_
};

enum { PY_MIN_MINOR = 8, PY_MAX_MINOR = 13 };

/* Names of the fields, in PY_FIELDS order, and access by index. */
extern const char *const py_field_names[];
size_t py_field_count(void);
int32_t *py_field_at(struct pylayout *l, size_t i);

/* pylayout_builtin - the built-in table of 3.minor, or NULL. */
const struct pylayout *pylayout_builtin(int minor);

/* pylayout_from_dwarf - fill *l (minor already set) from the DWARF of the
 * ELF file at path (or its separate debug file).  *source gets a malloc'ed
 * "DWARF <file>" (caller frees).  Returns 0, -FE_NO_DEBUGINFO when there is
 * no DWARF or it lacks a needed struct, -ENOENT, -ENOMEM. */
int pylayout_from_dwarf(const char *path, struct pylayout *l, char **source);

/* pylayout_check - 0 if the fields the walker needs for l->minor are set,
 * else -FE_NO_DEBUGINFO. */
int pylayout_check(const struct pylayout *l);

/* pylayout_from_debug_offsets - fill *l (3.13+) from the bytes of
 * _Py_DebugOffsets (len bytes read at the start of _PyRuntime).  Returns 0,
 * or -FE_UNSUPPORTED when the cookie or version does not match. */
int pylayout_from_debug_offsets(const unsigned char *buf, size_t len,
				struct pylayout *l);
enum { PY_DEBUG_OFFSETS_READ = 1024 };

/* Line numbers: the line of the instruction at byte offset `addr` of the
 * code (3.8-3.10: bytes; 3.11+: addr = code unit index * 2) given the
 * table bytes, first line and minor version.  Returns the line, or -1 when
 * there is none or the table is malformed (never reads past len). */
int py_line_of(int minor, const unsigned char *tab, size_t len,
	       int firstlineno, long addr);

/* For tests: a walker of process pid that believes _PyRuntime is at
 * `runtime` and the layout is the built-in table of 3.minor (no detection).
 * Returns 0 and *out, -FE_UNSUPPORTED for an unknown minor, -ENOMEM. */
struct pywalker;
int pywalker_new_fake(int pid, int minor, uint64_t runtime,
		      struct pywalker **out);

#endif
