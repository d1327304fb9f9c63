/* stack.h - the stack builder: a sample (plus interpreter frames, when
 * its process has them) becomes a list of frame ids, leaf first.
 *
 * Kernel frames come from the callchain and are named from kallsyms; user
 * frames from the callchain (--unwind fp) or by unwinding the sample's
 * registers and stack copy with CFI (dwarf, auto); CPython frames from the
 * process's walker are merged in place of the eval-loop frames
 * (stack_python.c).  Frames are symbolised through the process's address
 * space and cached in the frame table (frames.h) twice: under the
 * process's cache key (world.h), and under its module and file offset, so
 * that every process mapping the same file version (build-id) shares the
 * names: a hundred short-lived processes symbolise libc's hot addresses
 * once, not a hundred times.  What cannot be known is marked: [truncated], [invalid].
 */
#ifndef FLAMER_PROFILER_STACK_H
#define FLAMER_PROFILER_STACK_H

#include <stdbool.h>
#include <stdint.h>

#include "event.h"
#include "events.h"
#include "frames.h"
#include "../recording/recfile.h"

struct wproc;
struct kallsyms;

struct stack_options {
	enum unwind_mode unwind;
	bool inline_frames;  /* --inline */
	bool python_only;    /* --python-only */
	bool lines;          /* --lines */
	bool note_nodebug;   /* say once per file that it has no symbols */
};

struct stack_stats {
	uint64_t samples, truncated, py_merged, py_ambiguous, py_invalid;
	uint64_t py_cut;      /* Python stacks cut at STACK_MAX_PY_FRAMES,
			       * or at PYBPF_MAX_FRAMES when read by BPF */
	uint64_t py_bpf;      /* samples of Python processes read by BPF */
	uint64_t py_unread;   /* samples of such processes without a record */
	uint64_t py_unnamed;  /* BPF chains with a code object gone since */
	uint64_t py_unconfirmed; /* live reads not confirmed by the sample:
				  * [python?] in place of Python frames */
	uint64_t module_hits; /* addresses named from another process's */
	uint64_t beam_bpf;    /* samples of Erlang VMs read by BPF */
	uint64_t beam_unread; /* samples of such VMs without a record */
	uint64_t beam_procs;  /* samples given an Erlang process */
	uint64_t beam_dirty;  /* dirty-scheduler samples given Erlang frames */
	uint64_t beam_mismatch; /* Erlang chains read at the sample but left
				 * out (addrspace_erl_mismatch) */
	uint64_t beam_unconfirmed; /* Erlang stacks read late, not confirmed
				    * by the sample: [erlang?] */
};

struct stacks;

/* A builder naming frames in f (borrowed) and kernel frames from ksyms
 * (owned from now on; NULL: kernel frames are "[kernel]").  NULL on
 * ENOMEM (ksyms is then freed). */
struct stacks *stacks_new(const struct stack_options *o, struct frames *f,
			  struct kallsyms *ksyms);
void stacks_free(struct stacks *b); /* NULL is accepted */

/* Builds the stack of sample ev (an EV_SAMPLE) taken in process p.  Fills
 * out (time relative to t0_ns, pid, tid, cpu, flags, frames); out->frames
 * is borrowed until the next call.  0 or negative (ENOMEM, a sink error). */
int stacks_build(struct stacks *b, struct wproc *p, const struct event *ev,
		 uint64_t t0_ns, struct rec_sample *out);

/* As stacks_build, with the CPython frames the BPF program read at the
 * sample (py, borrowed; NULL: none).  For a process the program reads
 * (wproc_python_bpf_since), a sample without a record gets no Python
 * frames, never a late live read. */
int stacks_build_py(struct stacks *b, struct wproc *p, const struct event *ev,
		    const struct ev_pystack *py, uint64_t t0_ns,
		    struct rec_sample *out);

const struct stack_stats *stacks_stats(const struct stacks *b);

/* Whether a function name is where a thread's stack starts when unwound
 * to its root: glibc's (or ld.so's) _start for the main thread,
 * clone/clone3 for the others. */
bool stack_is_root(const char *name);

/* The frame in place of Python frames read too late to be trusted. */
#define PYSTACK_UNCONFIRMED "[python?]"
/* The frame in place of Erlang frames read too late to be trusted. */
#define STACK_ERL_UNCONFIRMED "[erlang?]"

/* The most Python frames a sample keeps: the leaf-most ones of a deeper
 * stack, marked [truncated] at the cut (above CPython's default recursion
 * limit of 1000; a walk reads one frame per call on 3.8-3.10). */
#define STACK_MAX_PY_FRAMES 1024

/* How the Python frames given to stack_python_merge end. */
enum py_end {
	PY_END_ROOT = 0,    /* at the thread's first Python frame */
	PY_END_INVALID = 1, /* unreadable memory: py ends with "[invalid]" */
	PY_END_CUT = 2,     /* more than STACK_MAX_PY_FRAMES: cut there */
};

/* The CPython merge (stack_python.c): replaces the eval-loop frames of the
 * native user frames ids[nkernel..*n) by the Python frames py[0..npy)
 * (leaf first; pyframe.entry marks the last frame of each eval call).
 * end says how py ends (enum py_end); a cut stack ends in [truncated]
 * right after its root-most Python frame, and the native frames below
 * that frame's eval call are left out (the Python frames between them are
 * not known).  Writes the result to ids (room for REC_MAX_FRAMES), updates
 * *n, *flags and st.  Pure apart from naming frames in f.  0 or negative. */
struct pyframe;
struct pywalker;

/* What the native stack says of Python frames read after the sample
 * (from the live process): for each native eval-loop frame, leaf first,
 * its next_instr at the sample (known[i]: read; else not known).  n is
 * how many eval frames the unwinder saw (the merge takes no check that
 * disagrees with the stack's own count). */
struct pycheck {
	const struct pywalker *w; /* borrowed: pywalker_at_instr */
	size_t n;
	const uint64_t *next_instr;
	const unsigned char *known;
};

/* As above; chk non-NULL: py was read after the sample, and an eval
 * call's Python frames are merged only when chk confirms that call was
 * running them (pywalker_at_instr); otherwise that eval frame becomes
 * "[python?]" and its Python frames are left out.  A stack with such a
 * frame, or whose Python frames could not be placed at all, is flagged
 * REC_SF_PY_UNCONFIRMED and counted in st->py_unconfirmed. */
int stack_python_merge(struct frames *f, const struct pyframe *py, size_t npy,
		       int end, bool python_only, uint32_t *ids, size_t *n,
		       size_t nkernel, uint32_t *flags, struct stack_stats *st,
		       const struct pycheck *chk);

#endif
