/* Interpreter support in the recorder: CPython frames merged into native
 * stacks, and JIT symbols from perf maps (BEAM and others). */
#include "sessionP.h"
#include "../common/error.h"
#include "../common/log.h"
#include "../unwind/beam.h"
#include "../unwind/perfmap.h"
#include "../unwind/python/python.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define MAX_PY_FRAMES 512
#define JIT_RECHECK_NS 1000000000ull

static int jit_lookup(void *ctx, uint64_t addr, const char **name,
		      enum frame_kind *kind)
{
	struct proc *p = ctx;

	if (!p->jit)
		return -FE_NO_SYMBOL;
	if (perfmap_lookup(p->jit, addr, name, kind) == 0)
		return 0;
	/* the map grows as code is loaded: read what was appended, retry
	 * (not for the addresses of file mappings, asked about for every
	 * native frame since the perf map decides first) */
	if (!addrspace_covers(p->as, addr) && perfmap_refresh(p->jit) == 0 &&
	    perfmap_lookup(p->jit, addr, name, kind) == 0)
		return 0;
	return -FE_NO_SYMBOL;
}

static void release(struct proc *p)
{
	pywalker_free(p->py);
	p->py = NULL;
	p->py_checked = 0;
	if (p->as)
		addrspace_set_jit(p->as, NULL, NULL);
	perfmap_free(p->jit);
	p->jit = NULL;
	p->jit_checked = 0;
}

static void detect_python(struct session *s, struct proc *p)
{
	size_t nmaps = addrspace_nmaps(p->as);
	int err;

	/* retry while libraries are still being mapped (ld.so, dlopen) */
	if (p->py || !s->opt.python || (size_t)p->py_checked == nmaps + 1)
		return;
	p->py_checked = (int)nmaps + 1;
	err = pywalker_new(p->pid, &p->py);
	if (err == 0) {
		fl_note("record", "pid %d: CPython %s, layout from %s", (int)p->pid,
			pywalker_version(p->py), pywalker_layout_source(p->py));
	} else if (err != -FE_UNSUPPORTED && err != -FE_NO_TARGET &&
		   err != -ESRCH && err != -ENOENT) {
		p->py_checked = -1; /* don't retry a real failure */
		fl_warn("record", "pid %d looks like CPython but its frames "
			"cannot be read: %s", (int)p->pid, flamer_strerror(err));
	}
}

static uid_t owner_of(pid_t pid)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof path, "/proc/%d", (int)pid);
	return stat(path, &st) == 0 ? st.st_uid : (uid_t)-1;
}

static void detect_jit(struct session *s, struct proc *p)
{
	uint64_t now = session_now_ns();
	const char *why = NULL;
	int err;

	if (p->jit || (p->jit_checked && now - p->jit_checked *
					       1000000ull < JIT_RECHECK_NS))
		return;
	p->jit_checked = (now / 1000000ull) | 1;
	err = perfmap_open_why(p->pid, owner_of(p->pid), &p->jit, &why);
	if (err == 0) {
		addrspace_set_jit(p->as, jit_lookup, p);
		return;
	}
	if (p->beam_warned || !beam_is_beam(p->pid))
		return;
	p->beam_warned = 1;
	if (err == -EPERM) {
		fl_warn("record", "pid %d: perf map not trusted: %s", (int)p->pid,
			why ? why : "wrong owner");
	} else {
		char advice[512];

		beam_advice(advice, sizeof advice);
		fl_warn("record", "pid %d: %s", (int)p->pid, advice);
	}
}

void session_interp_prepare(struct session *s, struct proc *p)
{
	if (!s) {
		release(p);
		return;
	}
	if (p->exited)
		return;
	detect_python(s, p);
	detect_jit(s, p);
}

/* Splits Python frames (leaf first) into runs, one per C-level eval call:
 * a run ends at a frame flagged entry.  seg_end[k] is one past the last
 * frame of run k (leaf first).  Returns the number of runs. */
static size_t py_runs(const struct pyframe *py, size_t n, size_t *seg_end,
		      size_t max)
{
	size_t k = 0;

	for (size_t j = 0; j < n && k < max; j++)
		if (py[j].entry || j == n - 1)
			seg_end[k++] = j + 1;
	return k;
}

int session_is_stack_root(const char *nm)
{
	/* _dl_start_user: the code after ld.so's _start calls _dl_start,
	 * the root of start-up samples (_dl_init, constructors) */
	static const char *const roots[] = { "_start", "_dl_start_user",
					     "__clone3", "clone3", "__clone",
					     "clone", "thread_start" };

	for (size_t i = 0; nm && i < sizeof roots / sizeof *roots; i++)
		if (!strcmp(nm, roots[i]))
			return 1;
	return 0;
}

/* Whether the native user frames ids[nkernel..end) stop short of the root
 * of the stack: their root-most frame is not where a thread's stack
 * begins.  The unwinder's [truncated] flag alone is not enough either way:
 * a walk that reached _start may still be flagged, and one that ran out of
 * stack copy may end without an error and go unflagged. */
static int native_cut(const struct session *s, const uint32_t *ids,
		      size_t end, size_t nkernel)
{
	return end > nkernel &&
	       !session_is_stack_root(frames_name(s->frames, ids[end - 1]));
}

struct pymerge {
	const struct pyframe *py;
	size_t npy;
	size_t seg_end[MAX_PY_FRAMES], nseg;
	uint32_t out[REC_MAX_FRAMES];
	size_t n;
};

/* Appends Python frames py[from..to) (leaf first); FK_INVALID for the
 * "[invalid]" end marker when invalid. */
static int put_py(struct session *s, struct pymerge *m, size_t from,
		  size_t to, int invalid)
{
	for (size_t j = from; j < to && m->n < REC_MAX_FRAMES; j++) {
		enum frame_kind k = invalid && j == m->npy - 1 ? FK_INVALID
							       : FK_PYTHON;
		int err = frames_id(s->frames, k, m->py[j].name, "", &m->out[m->n]);

		if (err)
			return err;
		m->n++;
	}
	return 0;
}

static void put_ids(struct pymerge *m, const uint32_t *ids, size_t from,
		    size_t to)
{
	for (size_t i = from; i < to && m->n < REC_MAX_FRAMES; i++)
		m->out[m->n++] = ids[i];
}

/* The merge proper: the native eval frames of ids[nkernel..end) are
 * replaced, leaf first, by the Python runs, one run per eval frame.  Runs
 * left over (more runs than eval frames: the native stack was cut short,
 * so the eval frames it has are the leaf-most ones) go at the root end,
 * followed by ids[end..n) (the [truncated] marker, if any). */
static int merge_runs(struct session *s, struct pymerge *m,
		      const uint32_t *ids, size_t end, size_t n, size_t nkernel)
{
	size_t seg = 0, start = 0;
	int err = 0;

	for (size_t i = nkernel; i < end && !err; i++) {
		if (!pywalker_is_eval_symbol(frames_name(s->frames, ids[i]))) {
			put_ids(m, ids, i, i + 1);
			continue;
		}
		err = put_py(s, m, start, m->seg_end[seg], 0);
		start = m->seg_end[seg++];
	}
	if (!err)
		err = put_py(s, m, start, m->npy, 0);
	put_ids(m, ids, end, n);
	return err;
}

/* Python frames on top of the native ones (all of them, or none with
 * --python-only); kernel frames stay at the leaf. */
static int stack_on_top(struct session *s, struct pymerge *m,
			const uint32_t *ids, size_t n, size_t nkernel,
			int invalid)
{
	int err = put_py(s, m, 0, m->npy, invalid);

	if (!err && !s->opt.python_only)
		put_ids(m, ids, nkernel, n);
	return err;
}

int session_interp_merge(struct session *s, struct proc *p, pid_t tid,
			 uint32_t *ids, size_t *n, size_t nkernel,
			 uint32_t *flags)
{
	static struct pymerge m; /* large; the recorder is single-threaded */
	struct pyframe py[MAX_PY_FRAMES + 1];
	size_t npy = 0, neval = 0, end = *n;
	int err, invalid, cut;

	if (!p->py)
		return 0;
	err = pywalker_stack(p->py, tid, s->opt.lines, py, MAX_PY_FRAMES, &npy);
	invalid = err == -FE_BAD_MEMORY;
	if (err && !invalid)
		return 0; /* the process is going away: keep native frames */
	if (invalid)
		py[npy++] = (struct pyframe){ "[invalid]", 1 };
	if (npy == 0)
		return 0;
	for (size_t i = nkernel; i < *n; i++)
		neval += pywalker_is_eval_symbol(frames_name(s->frames, ids[i]));
	m.py = py;
	m.npy = npy;
	m.nseg = py_runs(py, npy, m.seg_end, MAX_PY_FRAMES);
	/* kernel frames stay at the leaf */
	memcpy(m.out, ids, nkernel * sizeof *ids);
	m.n = nkernel;
	if ((*flags & REC_SF_TRUNCATED) && *n > nkernel)
		end = *n - 1; /* [truncated] stays at the root */
	cut = native_cut(s, ids, end, nkernel);
	if (invalid) {
		*flags |= REC_SF_PY_INVALID;
		s->py_invalid++;
		err = stack_on_top(s, &m, ids, *n, nkernel, 1);
	} else if (s->opt.python_only) {
		s->py_merged++;
		err = stack_on_top(s, &m, ids, *n, nkernel, 0);
	} else if (neval == m.nseg || (cut && neval < m.nseg)) {
		s->py_merged++;
		err = merge_runs(s, &m, ids, end, *n, nkernel);
	} else {
		*flags |= REC_SF_PY_AMBIGUOUS;
		s->py_ambiguous++;
		err = stack_on_top(s, &m, ids, *n, nkernel, 0);
	}
	if (err)
		return err;
	memcpy(ids, m.out, m.n * sizeof *ids);
	*n = m.n;
	return 0;
}
