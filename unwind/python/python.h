/* python.h - reads the Python stack of a thread of a live CPython process.
 *
 * A pywalker is made once per target process (pywalker_new) and then asked,
 * for each sample, for the Python frames of one native thread
 * (pywalker_stack).  It reads the target's memory with process_vm_readv and
 * never stops the target.  Supported: CPython 3.8 to 3.13 on x86-64 Linux.
 *
 * Struct layouts come, in order of preference, from the interpreter's own
 * DWARF (libdw: in the binary, by build-id under /usr/lib/debug, or through
 * .gnu_debuglink), from the offsets 3.13+ publishes in _Py_DebugOffsets at
 * the start of _PyRuntime, and from built-in tables (one per minor version).
 * docs/python.md describes the whole design.
 *
 * Thread safety: a pywalker is used by one thread at a time.
 */
#ifndef FLAMER_UNWIND_PYTHON_H
#define FLAMER_UNWIND_PYTHON_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

struct pywalker;

/* Flags of pywalker_new_flags(), for tests and diagnosis. */
enum pywalker_flags {
	PYWALKER_NO_DWARF = 1,         /* do not look for DWARF */
	PYWALKER_NO_DEBUG_OFFSETS = 2, /* do not read _Py_DebugOffsets */
};

/* pywalker_new - detect CPython in process pid: the interpreter binary or a
 * libpython mapped in /proc/PID/maps that defines _PyRuntime.
 * Returns 0 and *out (owned by the caller, see pywalker_free) when found;
 * -FE_UNSUPPORTED when the process is not CPython or its version is outside
 * 3.8-3.13; -FE_NO_TARGET when pid does not exist; -EACCES/-EPERM when its
 * maps or memory cannot be read; -FE_NO_DEBUGINFO when neither DWARF nor a
 * built-in table gives a layout; -ENOMEM.  *out is untouched on error. */
int pywalker_new(pid_t pid, struct pywalker **out);

/* pywalker_new_flags - as pywalker_new, with PYWALKER_* flags (0 = same). */
int pywalker_new_flags(pid_t pid, unsigned flags, struct pywalker **out);

/* pywalker_check_dwarf_start - for a walker made with PYWALKER_NO_DWARF
 * (a layout at once, from a built-in table or _Py_DebugOffsets): starts
 * reading the layout from the interpreter's DWARF on a thread of its own
 * (~100 ms for a compressed separate debug file, during which the
 * recorder goes on draining its rings).  0 (also when the layout already
 * is DWARF's, or a check is running), -ENOMEM.
 * pywalker_check_dwarf_poll - its result: -EAGAIN while it runs (unless
 * wait: then it waits), 0 when the layouts are the same (the walker's
 * source then names the DWARF file) or there is no DWARF (the layout
 * stays) or no check was started, 1 when they differ (the caller makes
 * a walker from DWARF instead), -ENOMEM. */
int pywalker_check_dwarf_start(struct pywalker *w);
int pywalker_check_dwarf_poll(struct pywalker *w, int wait);

/* Frees w and every name it returned.  NULL is accepted. */
void pywalker_free(struct pywalker *w);

/* "3.11.7" (or "3.11" when the patch level is unknown).  Borrowed, valid
 * until pywalker_free. */
const char *pywalker_version(const struct pywalker *w);

/* Where the struct layout came from: "DWARF /path/of/file",
 * "_Py_DebugOffsets" or "built-in table 3.11".  Borrowed. */
const char *pywalker_layout_source(const struct pywalker *w);

/* Path of the ELF file that holds _PyRuntime (the interpreter or libpython)
 * as seen in the target's maps.  Borrowed. */
const char *pywalker_binary(const struct pywalker *w);

struct pyframe {
	/* "qualname (path/file.py)", or with lines "qualname (path/file.py:LINE)".
	 * Before 3.11 the code object has no qualified name: co_name is used.
	 * Borrowed, interned (equal names are equal pointers), valid until
	 * pywalker_free. */
	const char *name;
	/* 1 if this frame is the first one run by its C-level eval call, i.e. it
	 * starts a run of Python frames that one native _PyEval_EvalFrameDefault
	 * frame executes (3.11: is_entry; 3.12+: the frame above a C-stack shim
	 * frame; 3.8-3.10: every frame). */
	int entry;
	/* The code object's address and the frame's raw instruction field
	 * (f_lasti before 3.11, else the instruction pointer) as read; 0
	 * for a marker frame. */
	uint64_t code, instr;
};

/* pywalker_stack - the Python frames of native thread tid, leaf first, at
 * most max, stored in out[0..*n).  with_lines adds the current line number
 * to each name.
 * Returns 0 (*n may be 0: the thread has no thread state or runs no Python
 * code), or -FE_BAD_MEMORY when the walk met inconsistent memory (a frame
 * popped under the reader, a pointer that does not point to what it should):
 * out[0..*n) still holds the frames read before that point, and the caller
 * appends "[invalid]".  -ESRCH when the process is gone.  -ENOMEM.
 * A walk that meets inconsistent memory is retried once before
 * -FE_BAD_MEMORY is returned (the target keeps running while it is read).
 * Cost with warm caches: a few process_vm_readv calls (thread state, frame
 * stack pages on 3.11+ or one per frame before, one batched code check).
 * Never crashes or loops on garbage memory: every read is bounded and
 * checked, strings are capped, walks have a frame and thread limit. */
int pywalker_stack(struct pywalker *w, pid_t tid, int with_lines,
		   struct pyframe *out, size_t max, size_t *n);

/* pywalker_recheck - the next pywalker_stack for tid looks its thread
 * state up again even if a recent lookup found none (lookups that find
 * none are otherwise remembered for the next 50 calls for that tid, which
 * suits sampling at a rate but not an off-CPU sample that stands for a
 * whole interval).  NULL w is accepted. */
void pywalker_recheck(struct pywalker *w, pid_t tid);

/* ---- thread names ---- */

/* The name Python gives a thread: threading.Thread.name. */
struct pywalker_thread {
	pid_t tid;
	/* UTF-8, at most 128 characters (a longer name is cut); ';' and
	 * control characters are '?'.  Borrowed: valid until the next call. */
	const char *name;
};

/* pywalker_thread_names - the names of the process's Python threads,
 * read now from threading._active of the main interpreter: every Thread
 * there whose _native_id (its tid) and _name read and check out (types,
 * dict layouts, bounds), and read the same twice in a row
 * (docs/python.md, "Thread names").  *out (borrowed until the next call
 * or pywalker_free) gets *n entries, sorted by tid.
 * Returns 0 (*n may be 0); -FE_UNSUPPORTED when this interpreter's names
 * cannot be read (its layout source lacks the dict layouts, or its type
 * objects were not found): callers need not ask again; -ENOENT when
 * threading is not imported yet; -FE_BAD_MEMORY when the memory did not
 * check out (try later); -ESRCH; -ENOMEM.  Cost: a few dozen
 * process_vm_readv calls, more with many modules or threads. */
int pywalker_thread_names(struct pywalker *w,
			  const struct pywalker_thread **out, size_t *n);

/* ---- frames read elsewhere (the BPF program, bpf/) ---- */

struct pybpf_proc;

/* pywalker_bpf_proc - the process's _PyRuntime address, minor version and
 * the offsets the BPF program walks with (bpf/pystack.h), from the same
 * layout this walker uses. */
void pywalker_bpf_proc(const struct pywalker *w, struct pybpf_proc *out);

/* A frame as read at the sample: the code object address with bit 0 set
 * when the frame starts its C-level eval call, the raw instruction field,
 * and the code object's co_filename and co_qualname (co_name before 3.11)
 * pointers at the sample (bpf/pystack.h's struct pybpf_frame). */
struct pyrawframe {
	uint64_t code, instr;
	uint64_t file, name;
};

/* The name of a frame whose code object could not be read. */
#define PYWALKER_UNNAMED "[invalid]"

/* pywalker_name_raw - names the n frames raw[] (leaf first) read at a
 * sample, as pywalker_stack would name them; root_known: raw[n-1] is the
 * thread's root frame (it then starts an eval call).  The code objects
 * are read now (cached), so a code object freed since the sample (a
 * module's code after its import), or whose address another one took
 * (its file or name pointer differs from the one read at the sample),
 * is not named: that frame is named
 * PYWALKER_UNNAMED, the others still are, and -FE_BAD_MEMORY is returned
 * with all n frames in out.  0, -FE_BAD_MEMORY, -ESRCH, -ENOMEM. */
int pywalker_name_raw(struct pywalker *w, const struct pyrawframe *raw,
		      size_t n, int root_known, int with_lines,
		      struct pyframe *out, size_t *nout);

/* The eval loop's local variable that says where it is in the bytecode:
 * read at the sample from the native eval frame (DWARF, addrspace.h's
 * addrspace_watch_var), it tells whether a frame read later is the one
 * that eval call was running. */
#define PYWALKER_EVAL_FUNCTION "_PyEval_EvalFrameDefault"
#define PYWALKER_EVAL_VARIABLE "next_instr"

/* pywalker_at_instr - whether next_instr, the eval loop's next_instr as
 * read at the sample in the eval call whose leaf-most Python frame is f
 * (read later, from the live process), shows that call running f's code
 * at f's instruction: 1 yes, 0 no (another code object, or another place
 * in it: the thread moved on between the sample and the read), -1 when
 * this version's frames do not allow the check (before 3.11: f_lasti is
 * an offset into co_code, whose address is not read).  next_instr points
 * just past the instruction being run, or past its inline caches: it is
 * taken as the same place when it lies 0 to PYWALKER_INSTR_SLACK bytes
 * after the frame's instruction pointer. */
#define PYWALKER_INSTR_SLACK 64
int pywalker_at_instr(const struct pywalker *w, const struct pyframe *f,
		      uint64_t next_instr);

/* True if sym, a native symbol name, is the interpreter's eval loop
 * (_PyEval_EvalFrameDefault and its compiler-split parts such as ".cold"),
 * the frames Python frames replace when stacks are merged. */
int pywalker_is_eval_symbol(const char *sym);

#endif
