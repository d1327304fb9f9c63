/* The CPython merge: Python frames in place of the native eval-loop
 * frames that ran them.  Pure apart from naming frames. */
#include "stack.h"
#include "../unwind/python/python.h"

#include <string.h>

#define MAX_PY_FRAMES (STACK_MAX_PY_FRAMES + 1) /* + "[invalid]" */

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

/* Whether the native user frames ids[nkernel..end) stop short of the root
 * of the stack: their root-most frame is not where a thread's stack
 * begins.  The unwinder's [truncated] flag alone is not enough either way:
 * a walk that reached _start may still be flagged, and one that ran out of
 * stack copy may end without an error and go unflagged. */
static int native_cut(const struct frames *f, const uint32_t *ids,
		      size_t end, size_t nkernel)
{
	return end > nkernel &&
	       !stack_is_root(frames_name(f, ids[end - 1]));
}

struct pymerge {
	const struct pyframe *py;
	size_t npy;
	size_t seg_end[MAX_PY_FRAMES], nseg;
	uint32_t out[REC_MAX_FRAMES];
	size_t n;
	int full;   /* frames were dropped: out had no room left */
};

/* Appends Python frames py[from..to) (leaf first); FK_INVALID for the
 * "[invalid]" end marker when invalid. */
static int put_py(struct frames *f, struct pymerge *m, size_t from,
		  size_t to, int invalid)
{
	m->full |= to > from && m->n + (to - from) > REC_MAX_FRAMES;
	for (size_t j = from; j < to && m->n < REC_MAX_FRAMES; j++) {
		enum frame_kind k = invalid && j == m->npy - 1 ? FK_INVALID
							       : FK_PYTHON;

		/* a frame read at the sample whose code object was gone */
		if (!strcmp(m->py[j].name, PYWALKER_UNNAMED))
			k = FK_INVALID;
		int err = frames_id(f, k, m->py[j].name, "", &m->out[m->n]);

		if (err)
			return err;
		m->n++;
	}
	return 0;
}

/* Appends the [truncated] marker; on a full stack it replaces the last
 * frame, so the cut is never lost. */
static int put_cut(struct frames *f, struct pymerge *m)
{
	if (m->n == REC_MAX_FRAMES)
		m->n--;
	return frames_id(f, FK_TRUNCATED, "[truncated]", "", &m->out[m->n++]);
}

static void put_ids(struct pymerge *m, const uint32_t *ids, size_t from,
		    size_t to)
{
	m->full |= to > from && m->n + (to - from) > REC_MAX_FRAMES;
	for (size_t i = from; i < to && m->n < REC_MAX_FRAMES; i++)
		m->out[m->n++] = ids[i];
}

/* The merge proper: the native eval frames of ids[nkernel..end) are
 * replaced, leaf first, by the Python runs, one run per eval frame.  Runs
 * left over (more runs than eval frames: the native stack was cut short,
 * so the eval frames it has are the leaf-most ones) go at the root end,
 * followed by ids[end..n) (the [truncated] marker, if any).  A cut
 * Python stack (cut) stops after its last run: [truncated] follows, and
 * the native frames below that eval call are left out. */
static int merge_runs(struct frames *f, struct pymerge *m,
		      const uint32_t *ids, size_t end, size_t n, size_t nkernel,
		      int cut)
{
	size_t seg = 0, start = 0;
	int err = 0;

	for (size_t i = nkernel; i < end && !err; i++) {
		if (!pywalker_is_eval_symbol(frames_name(f, ids[i]))) {
			put_ids(m, ids, i, i + 1);
			continue;
		}
		err = put_py(f, m, start, m->seg_end[seg], 0);
		start = m->seg_end[seg++];
		if (cut && seg == m->nseg)
			return err ? err : put_cut(f, m);
	}
	if (!err)
		err = put_py(f, m, start, m->npy, 0);
	put_ids(m, ids, end, n);
	if (!err && cut && end == n)
		err = put_cut(f, m);
	return err;
}

/* Python frames on top of the native ones (all of them, or none with
 * --python-only), [truncated] between them when the Python stack was
 * cut; kernel frames stay at the leaf. */
static int stack_on_top(struct frames *f, struct pymerge *m,
			const uint32_t *ids, size_t n, size_t nkernel,
			int pyend, bool python_only)
{
	int err = put_py(f, m, 0, m->npy, pyend == PY_END_INVALID);

	if (!err && pyend == PY_END_CUT)
		err = put_cut(f, m);
	if (!err && !python_only)
		put_ids(m, ids, nkernel, n);
	return err;
}

/* The marker of an eval call whose Python frames were left out. */
static int put_unconfirmed(struct frames *f, struct pymerge *m)
{
	if (m->n == REC_MAX_FRAMES) {
		m->full = 1;
		return 0;
	}
	return frames_id(f, FK_INVALID, PYSTACK_UNCONFIRMED, "",
			 &m->out[m->n++]);
}

/* Whether run k (its leaf-most frame py[from]) is the one eval frame k
 * (leaf first) was running at the sample. */
static int run_confirmed(const struct pycheck *chk, const struct pyframe *py,
			 size_t k, size_t from)
{
	return k < chk->n && chk->known[k] &&
	       pywalker_at_instr(chk->w, &py[from], chk->next_instr[k]) == 1;
}

/* The merge of a late read (chk): as merge_runs, one run per eval frame
 * from the leaf, but a run goes in only if the sample confirms it; an
 * unconfirmed one leaves "[python?]" in place of its eval frame.  Runs
 * left over at the root end (the native stack was cut) go in only if
 * every run placed was confirmed.  Returns the number of runs left out
 * (*out) and 0, or negative. */
static int merge_checked(struct frames *f, struct pymerge *m,
			 const struct pycheck *chk, const uint32_t *ids,
			 size_t end, size_t n, size_t nkernel, int cut,
			 size_t *left_out)
{
	size_t seg = 0, start = 0, bad = 0;
	int err = 0;

	for (size_t i = nkernel; i < end && !err; i++) {
		if (!pywalker_is_eval_symbol(frames_name(f, ids[i])) ||
		    seg == m->nseg) {
			put_ids(m, ids, i, i + 1);
			continue;
		}
		if (run_confirmed(chk, m->py, seg, start)) {
			err = put_py(f, m, start, m->seg_end[seg], 0);
		} else {
			bad++;
			err = put_unconfirmed(f, m);
		}
		start = m->seg_end[seg++];
		if (!err && cut && seg == m->nseg)
			err = put_cut(f, m);
		if (cut && seg == m->nseg && !err)
			goto out;
	}
	if (!err && seg < m->nseg) {
		if (bad || seg == 0) {
			bad += m->nseg - seg;
			err = put_unconfirmed(f, m);
		} else {
			err = put_py(f, m, start, m->npy, 0);
		}
	}
	put_ids(m, ids, end, n);
	if (!err && cut && end == n)
		err = put_cut(f, m);
out:
	*left_out = bad;
	return err;
}

/* A late read that cannot be placed (more eval frames than runs, or a
 * walk that met inconsistent memory): the native stack, "[python?]" in
 * place of its root-most eval frame; none when it has no eval frame (no
 * Python code was running on it). */
static int native_unconfirmed(struct frames *f, struct pymerge *m,
			      const uint32_t *ids, size_t n, size_t nkernel,
			      bool python_only)
{
	size_t root = SIZE_MAX;

	for (size_t i = nkernel; i < n; i++)
		if (pywalker_is_eval_symbol(frames_name(f, ids[i])))
			root = i;
	if (python_only)
		return root == SIZE_MAX ? 0 : put_unconfirmed(f, m);
	for (size_t i = nkernel; i < n; i++) {
		int err = i == root ? put_unconfirmed(f, m) : 0;

		if (err)
			return err;
		if (i != root)
			put_ids(m, ids, i, i + 1);
	}
	return 0;
}

/* The merge of frames read after the sample, each eval call checked. */
static int merge_late(struct frames *f, struct pymerge *m,
		      const struct pycheck *chk, uint32_t *ids, size_t *n,
		      size_t end, size_t nkernel, size_t neval, int cut,
		      int pyend, bool python_only, uint32_t *flags,
		      struct stack_stats *st)
{
	int pycut = pyend == PY_END_CUT;
	size_t left_out = 1;
	int err;

	if (chk->n != neval || pyend == PY_END_INVALID ||
	    !(neval == m->nseg || (pycut && neval > m->nseg) ||
	      (cut && neval < m->nseg)))
		err = native_unconfirmed(f, m, ids, *n, nkernel, python_only);
	else if (python_only) {
		/* every run must be confirmed: the native frames that would
		 * say where an unconfirmed one was are not kept */
		size_t start = 0, k = 0;

		left_out = 0;
		for (; k < m->nseg && k < neval; start = m->seg_end[k++])
			left_out += !run_confirmed(chk, m->py, k, start);
		left_out += k == 0;
		err = left_out ? put_unconfirmed(f, m) :
				 stack_on_top(f, m, ids, *n, nkernel, pyend,
					      python_only);
	} else
		err = merge_checked(f, m, chk, ids, end, *n, nkernel, pycut,
				    &left_out);
	if (left_out) {
		*flags |= REC_SF_PY_UNCONFIRMED;
		st->py_unconfirmed++;
	} else {
		st->py_merged++;
	}
	return err;
}

int stack_python_merge(struct frames *f, const struct pyframe *py, size_t npy,
		       int pyend, bool python_only, uint32_t *ids, size_t *n,
		       size_t nkernel, uint32_t *flags, struct stack_stats *st,
		       const struct pycheck *chk)
{
	static struct pymerge m; /* large; the recorder is single-threaded */
	size_t neval = 0, end = *n;
	int err, cut, invalid = pyend == PY_END_INVALID, pycut = pyend == PY_END_CUT;

	for (size_t i = nkernel; i < *n; i++)
		neval += pywalker_is_eval_symbol(frames_name(f, ids[i]));
	m.py = py;
	m.npy = npy;
	m.nseg = py_runs(py, npy, m.seg_end, MAX_PY_FRAMES);
	/* kernel frames stay at the leaf */
	memcpy(m.out, ids, nkernel * sizeof *ids);
	m.n = nkernel;
	m.full = 0;
	if ((*flags & REC_SF_TRUNCATED) && *n > nkernel)
		end = *n - 1; /* [truncated] stays at the root */
	cut = native_cut(f, ids, end, nkernel);
	if (pycut) {
		*flags |= REC_SF_TRUNCATED;
		st->py_cut++;
	}
	if (chk) {
		err = merge_late(f, &m, chk, ids, n, end, nkernel, neval, cut,
				 pyend, python_only, flags, st);
	} else if (invalid) {
		*flags |= REC_SF_PY_INVALID;
		st->py_invalid++;
		err = stack_on_top(f, &m, ids, *n, nkernel, pyend, python_only);
	} else if (python_only) {
		st->py_merged++;
		err = stack_on_top(f, &m, ids, *n, nkernel, pyend, python_only);
	} else if (neval == m.nseg || (pycut && neval > m.nseg) ||
		   (cut && neval < m.nseg)) {
		st->py_merged++;
		err = merge_runs(f, &m, ids, end, *n, nkernel, pycut);
	} else {
		*flags |= REC_SF_PY_AMBIGUOUS;
		st->py_ambiguous++;
		err = stack_on_top(f, &m, ids, *n, nkernel, pyend, python_only);
	}
	/* more frames than a record holds: the root end is cut, and marked */
	if (!err && m.full && (m.n == 0 || strcmp(frames_name(f, m.out[m.n - 1]), "[truncated]"))) {
		*flags |= REC_SF_TRUNCATED;
		err = put_cut(f, &m);
	}
	if (err)
		return err;
	memcpy(ids, m.out, m.n * sizeof *ids);
	*n = m.n;
	return 0;
}
