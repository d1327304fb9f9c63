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
	X(PS_COMPACT, "PyCompactUnicodeObject", 8, 13)                     \
	X(PS_OBJECT, "PyObject|_object", 8, 13)                            \
	X(PS_TYPE, "PyTypeObject|_typeobject", 8, 13)                      \
	X(PS_HEAPTYPE, "PyHeapTypeObject|_heaptypeobject", 8, 13)          \
	X(PS_MODULE, "PyModuleObject", 8, 13)                              \
	X(PS_LONG, "PyLongObject|_longobject", 8, 13)                      \
	X(PS_DICT, "PyDictObject", 8, 13)                                  \
	X(PS_DICTKEYS, "PyDictKeysObject|_dictkeysobject", 8, 13)          \
	X(PS_DICTENTRY, "PyDictKeyEntry", 8, 13)                           \
	X(PS_DICTUENTRY, "PyDictUnicodeEntry", 11, 13)                     \
	X(PS_DICTVALUES, "PyDictValues|_dictvalues", 11, 13)

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
	X(str_compact_size, PS_COMPACT, PS_COMPACT, "")                     \
	PY_NAME_FIELDS(X)

/* The fields thread names are read with (pynames.c): from the main
 * interpreter's sys.modules to threading._active, and the instance
 * attributes of its Thread objects.  A layout without all of those its
 * version has reads no names (the OS name stays). */
#define PY_NAME_FIELDS(X)                                                   \
	X(rt_interp_main, PS_RUNTIME, PS_RUNTIME, "interpreters.main")      \
	X(is_modules, PS_INTERP, PS_INTERP, "imports.modules|modules")      \
	X(ob_type, PS_OBJECT, PS_OBJECT, "ob_type")                         \
	X(ob_sizeof, PS_OBJECT, PS_OBJECT, "")                              \
	X(tp_basicsize, PS_TYPE, PS_TYPE, "tp_basicsize")                   \
	X(tp_dictoffset, PS_TYPE, PS_TYPE, "tp_dictoffset")                 \
	X(tp_flags, PS_TYPE, PS_TYPE, "tp_flags")                           \
	X(ht_cached_keys, PS_HEAPTYPE, PS_HEAPTYPE, "ht_cached_keys")       \
	X(md_dict, PS_MODULE, PS_MODULE, "md_dict")                         \
	X(lg_size, PS_LONG, PS_LONG, "long_value.lv_tag|ob_base.ob_size")   \
	X(lg_digit, PS_LONG, PS_LONG, "long_value.ob_digit|ob_digit")       \
	X(ma_keys, PS_DICT, PS_DICT, "ma_keys")                             \
	X(ma_values, PS_DICT, PS_DICT, "ma_values")                         \
	X(dk_size, PS_DICTKEYS, PS_DICTKEYS, "dk_size")                     \
	X(dk_log2_size, PS_DICTKEYS, PS_DICTKEYS, "dk_log2_size")           \
	X(dk_log2_index_bytes, PS_DICTKEYS, PS_DICTKEYS, "dk_log2_index_bytes") \
	X(dk_kind, PS_DICTKEYS, PS_DICTKEYS, "dk_kind")                     \
	X(dk_nentries, PS_DICTKEYS, PS_DICTKEYS, "dk_nentries")             \
	X(dk_indices, PS_DICTKEYS, PS_DICTKEYS, "dk_indices")               \
	X(de_sizeof, PS_DICTENTRY, PS_DICTENTRY, "")                        \
	X(de_key, PS_DICTENTRY, PS_DICTENTRY, "me_key")                     \
	X(de_value, PS_DICTENTRY, PS_DICTENTRY, "me_value")                 \
	X(due_sizeof, PS_DICTUENTRY, PS_DICTUENTRY, "")                     \
	X(due_key, PS_DICTUENTRY, PS_DICTUENTRY, "me_key")                  \
	X(due_value, PS_DICTUENTRY, PS_DICTUENTRY, "me_value")              \
	X(dv_values, PS_DICTVALUES, PS_DICTVALUES, "values")                \
	X(dv_valid, PS_DICTVALUES, PS_DICTVALUES, "valid")

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

/* pylayout_from_dwarf, read once per file (its device, inode, size and
 * mtime) and 3.minor for the life of the recorder (layoutcache.c): a
 * caller for a file being read by another thread waits for that read; a
 * later one gets its result.  "DWARF <path>" names the caller's path.
 * Thread-safe.  The same results. */
int pylayout_from_dwarf_once(const char *path, struct pylayout *l,
			     char **source);
/* How many files pylayout_from_dwarf_once has read (for its tests). */
unsigned long pylayout_dwarf_reads(void);

/* pylayout_from_dwarf_once(path, ...) for 3.minor on a thread of its own
 * (dwarfjob.c): *out gets the job (0, or -ENOMEM).  pydwarf_job_done says
 * whether it has finished; pydwarf_job_finish waits for it, gives its
 * layout and *source (malloc'ed or NULL, caller frees), frees the job and
 * returns pylayout_from_dwarf_once's result. */
struct pydwarf_job;
int pydwarf_job_start(const char *path, int minor, struct pydwarf_job **out);
int pydwarf_job_done(struct pydwarf_job *j);
int pydwarf_job_finish(struct pydwarf_job *j, struct pylayout *l,
		       char **source);

/* pylayout_check - 0 if the fields the walker needs for l->minor are set,
 * else -FE_NO_DEBUGINFO. */
int pylayout_check(const struct pylayout *l);

/* pylayout_names_check - 0 if the fields thread names are read with
 * (PY_NAME_FIELDS) are set for l->minor, else -FE_NO_DEBUGINFO. */
int pylayout_names_check(const struct pylayout *l);

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

/* ---- thread names (pynames.c) ---- */

/* One read of the target: addr, len bytes into buf; ok set when read. */
struct pyiov {
	uint64_t addr;
	void *buf;
	size_t len;
	int ok;
};

/* Target memory: readv reads n pieces (each all or nothing, ok says which)
 * and returns 0, or -ESRCH when the process is gone, -ENOMEM. */
struct pymem {
	int (*readv)(void *ctx, struct pyiov *io, size_t n);
	void *ctx;
};

/* The interpreter's type objects in the target (from its symbols
 * PyUnicode_Type, PyLong_Type, PyDict_Type, PyModule_Type), 0: unknown. */
struct pytypes {
	uint64_t str, lng, dict, module;
};

struct pynames {
	const struct pymem *mem;
	const struct pylayout *l;
	struct pytypes types;
};

/* Characters of a thread name kept (a longer one is cut). */
enum { PY_THREAD_NAME_CHARS = 128 };

struct pythread_name {
	int32_t tid;
	char name[PY_THREAD_NAME_CHARS * 4 + 1]; /* UTF-8, sanitized */
};

/* py_thread_names - the Thread objects of threading._active of the main
 * interpreter (runtime: the address of _PyRuntime) whose _native_id (a
 * tid) and _name (a str) read and check out, into out[0..*n) (at most
 * max; sorted by tid).  The whole path is read twice and only names both
 * reads agree on are kept; a tid with two Threads gets none.  Returns 0,
 * -FE_UNSUPPORTED (the layout or the type addresses lack what is needed:
 * nothing is read), -ENOENT (threading not imported, or the interpreter
 * not set up), -FE_BAD_MEMORY (something on the way did not check out),
 * -ESRCH, -ENOMEM. */
int py_thread_names(const struct pynames *pn, uint64_t runtime,
		    struct pythread_name *out, size_t max, size_t *n);

/* The steps, for tests.  py_dict_lookup: the values of the str keys
 * want[0..n) in the dict object at dict (found[i] = 0: absent).
 * py_obj_attrs: the same for the instance attributes of obj, wherever its
 * version keeps them (-ENOENT: it has none, or keeps them nowhere this
 * reader follows).  py_read_small_int: an exact int in [0, 2^30).
 * py_read_name: an exact str, cut at PY_THREAD_NAME_CHARS characters, as
 * UTF-8 with py_put_utf8's replacements (outsize >= that * 4 + 1).
 * Each returns 0, -FE_BAD_MEMORY (not the expected object, or a layout
 * that does not check out), -ESRCH, -ENOMEM. */
int py_dict_lookup(const struct pynames *pn, uint64_t dict,
		   const char *const *want, size_t n, uint64_t *found);
int py_obj_attrs(const struct pynames *pn, uint64_t obj,
		 const char *const *want, size_t n, uint64_t *found);
int py_read_small_int(const struct pynames *pn, uint64_t obj, int64_t *out);
int py_read_name(const struct pynames *pn, uint64_t obj, char *out,
		 size_t outsize);

/* ---- str objects (pystr.c), for the walker and the name reader ---- */

/* py_put_utf8 - writes code point c as UTF-8 at out (at most 4 bytes),
 * '?' in place of what would break a folded stack line (';', control
 * characters) or is not a character.  Returns the bytes written. */
size_t py_put_utf8(char *out, uint32_t c);

/* A compact str as its header says: n characters (cut at the caller's
 * max) of kind bytes each (1, 2, 4), all ASCII when ascii, at byte data
 * of the object. */
struct pystr {
	size_t n;
	int kind, ascii;
	uint64_t data;
};

/* py_str_header - *out from hdr, the first str_compact_size bytes of a
 * str object.  0, or -FE_BAD_MEMORY when it is not a compact str of a
 * known kind (only compact strs are read: names are). */
int py_str_header(const struct pylayout *l, const unsigned char *hdr,
		  size_t max, struct pystr *out);

/* py_str_utf8 - s's characters (s->n * s->kind bytes at data) as UTF-8 in
 * out, NUL-terminated, through py_put_utf8; cut where out (outsize bytes)
 * is full.  0, or -FE_BAD_MEMORY when an ASCII str holds a byte > 0x7f. */
int py_str_utf8(const struct pystr *s, const unsigned char *data, char *out,
		size_t outsize);

/* For tests: a walker of process pid that believes _PyRuntime is at
 * `runtime` and the layout is the built-in table of 3.minor (no detection).
 * Returns 0 and *out, -FE_UNSUPPORTED for an unknown minor, -ENOMEM. */
struct pywalker;
int pywalker_new_fake(int pid, int minor, uint64_t runtime,
		      struct pywalker **out);

#endif
