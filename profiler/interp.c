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
	/* the map grows as code is loaded: read what was appended, retry */
	if (perfmap_refresh(p->jit) == 0 &&
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

static int py_id(struct session *s, const char *name, uint32_t *id)
{
	return frames_id(s->frames, FK_PYTHON, name, "", id);
}

int session_interp_merge(struct session *s, struct proc *p, pid_t tid,
			 uint32_t *ids, size_t *n, size_t nkernel,
			 uint32_t *flags)
{
	struct pyframe py[MAX_PY_FRAMES + 1];
	size_t npy = 0, seg_end[MAX_PY_FRAMES], nseg, neval = 0, out = 0;
	uint32_t merged[REC_MAX_FRAMES];
	int err, invalid;

	if (!p->py)
		return 0;
	err = pywalker_stack(p->py, tid, s->opt.lines, py, MAX_PY_FRAMES, &npy);
	invalid = err == -FE_BAD_MEMORY;
	if (err && !invalid)
		return 0; /* the process is going away: keep native frames */
	if (invalid) {
		py[npy++] = (struct pyframe){ "[invalid]", 1 };
		*flags |= REC_SF_PY_INVALID;
		s->py_invalid++;
	}
	if (npy == 0)
		return 0;
	for (size_t i = nkernel; i < *n; i++) {
		const char *nm = frames_name(s->frames, ids[i]);

		neval += nm && pywalker_is_eval_symbol(nm);
	}
	nseg = py_runs(py, npy, seg_end, MAX_PY_FRAMES);
	/* kernel frames stay at the leaf */
	memcpy(merged, ids, nkernel * sizeof *ids);
	out = nkernel;
	if (s->opt.python_only || invalid || neval != nseg) {
		/* Python frames on top of the native ones (all of them, or
		 * none with --python-only) */
		for (size_t j = 0; j < npy && out < REC_MAX_FRAMES; j++) {
			uint32_t id;
			enum frame_kind k = invalid && j == npy - 1 ? FK_INVALID
								    : FK_PYTHON;

			err = frames_id(s->frames, k, py[j].name, "", &id);
			if (err)
				return err;
			merged[out++] = id;
		}
		if (!s->opt.python_only) {
			for (size_t i = nkernel; i < *n && out < REC_MAX_FRAMES; i++)
				merged[out++] = ids[i];
			*flags |= REC_SF_PY_AMBIGUOUS;
			s->py_ambiguous++;
		}
	} else {
		size_t seg = 0, start = 0;

		for (size_t i = nkernel; i < *n && out < REC_MAX_FRAMES; i++) {
			const char *nm = frames_name(s->frames, ids[i]);

			if (!(nm && pywalker_is_eval_symbol(nm))) {
				merged[out++] = ids[i];
				continue;
			}
			for (size_t j = start; j < seg_end[seg] && out < REC_MAX_FRAMES; j++) {
				err = py_id(s, py[j].name, &merged[out]);
				if (err)
					return err;
				out++;
			}
			start = seg_end[seg++];
		}
		s->py_merged++;
	}
	memcpy(ids, merged, out * sizeof *ids);
	*n = out;
	return 0;
}
