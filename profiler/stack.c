/* The stack builder: samples in, frame ids out. */
#include "stack.h"
#include "world.h"
#include "../common/error.h"
#include "../common/intern.h"
#include "../common/log.h"
#include "../common/num.h"
#include "../unwind/addrspace.h"
#include "../unwind/kallsyms.h"
#include "../unwind/python/python.h"
#include "../bpf/pystack.h"
#include "../bpf/beamstack.h"
#include "../unwind/beamproc.h"

#include <errno.h>
#include <stdio.h>
#include <linux/perf_event.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define MAX_USER_FRAMES 1024
#define MAX_IDS (REC_MAX_FRAMES)
#define MAX_PY_FRAMES STACK_MAX_PY_FRAMES
/* frames.h cache keys of modules (world keys count up from 1) */
#define STACK_MODULE_KEY (1ull << 63)

struct stacks {
	struct stack_options opt;
	struct frames *frames;
	struct kallsyms *ksyms;
	struct stack_stats st;
	uint32_t *ids;  /* the stack being built */
	uint32_t *locs; /* its locations (SAMPLE_LOCS), leaf first */
	size_t nlocs;
	size_t covered; /* frames of ids[] the locations stand for */
	uint64_t *pcs;  /* unwound user pcs */
	/* the eval loop's next_instr per pc (addrspace_unwind_vars), then
	 * per native eval frame, leaf first (ev_*): the check of a late
	 * Python read (struct pycheck) */
	uint64_t *vals;
	unsigned char *have;
	uint64_t *ev_val;
	unsigned char *ev_known;
	size_t nev;
	int ev_done; /* dwarf_frames looked for them in this sample */
	unsigned late_us; /* FLAMER_TEST_LATE_US: live reads this late */
	struct pyframe *py;
	struct intern *nodebug; /* modules said to have no symbols */
	struct pyrawframe *raw; /* frames of a BPF record, aligned */
	struct beambpf_rec *beam; /* the sample's BEAM record, aligned */
	int beam_given;           /* beam holds the sample's record */
	char erlproc[320];        /* the sample's Erlang process, or "" */
	uint32_t *tmp;            /* MAX_IDS frame ids */
};

/* FLAMER_TEST_LATE_US: a test's delay before each live Python read, each
 * late Erlang read, and each native walk of a process neither Python nor
 * Erlang (whose deep frames are read live; up to 100 ms), so that reads
 * come after the thread moved on; 0 if unset or not a number. */
static unsigned test_late_us(void)
{
	const char *v = getenv("FLAMER_TEST_LATE_US");
	uint64_t us = 0;

	if (!v || num_parse_u64(v, 0, 100000, &us))
		return 0;
	return (unsigned)us;
}

struct stacks *stacks_new(const struct stack_options *o, struct frames *f,
			  struct kallsyms *ksyms)
{
	struct stacks *b = calloc(1, sizeof *b);

	if (!b) {
		kallsyms_free(ksyms);
		return NULL;
	}
	b->opt = *o;
	b->frames = f;
	b->late_us = test_late_us();
	b->ksyms = ksyms;
	b->ids = malloc(MAX_IDS * sizeof *b->ids);
	b->locs = malloc(MAX_IDS * sizeof *b->locs);
	b->pcs = malloc(MAX_USER_FRAMES * sizeof *b->pcs);
	b->vals = malloc(MAX_USER_FRAMES * sizeof *b->vals);
	b->have = malloc(MAX_USER_FRAMES);
	b->ev_val = malloc(MAX_USER_FRAMES * sizeof *b->ev_val);
	b->ev_known = malloc(MAX_USER_FRAMES);
	b->py = malloc((MAX_PY_FRAMES + 2) * sizeof *b->py);
	b->nodebug = intern_new();
	b->raw = malloc(PYBPF_MAX_FRAMES * sizeof *b->raw);
	b->beam = malloc(sizeof *b->beam);
	b->tmp = malloc(MAX_IDS * sizeof *b->tmp);
	if (!b->ids || !b->locs || !b->pcs || !b->py || !b->nodebug || !b->raw ||
	    !b->beam || !b->tmp || !b->vals || !b->have || !b->ev_val ||
	    !b->ev_known) {
		stacks_free(b);
		return NULL;
	}
	return b;
}

void stacks_free(struct stacks *b)
{
	if (!b)
		return;
	kallsyms_free(b->ksyms);
	free(b->ids);
	free(b->locs);
	free(b->pcs);
	free(b->vals);
	free(b->have);
	free(b->ev_val);
	free(b->ev_known);
	free(b->py);
	intern_free(b->nodebug);
	free(b->raw);
	free(b->beam);
	free(b->tmp);
	free(b);
}

const struct stack_stats *stacks_stats(const struct stacks *b)
{
	return &b->st;
}

/* Appends a frame and notes it as one without a location. */
static int push_id(struct stacks *b, size_t *n, uint32_t id)
{
	if (*n >= MAX_IDS)
		return -E2BIG;
	b->ids[(*n)++] = id;
	if (b->covered == *n - 1) {
		b->locs[b->nlocs++] = REC_LOC_FRAME | id;
		b->covered++;
	}
	return 0;
}

/* Appends the frames of one address, ids[cnt - 1] being its location
 * (FRAMES_NO_LOC: each frame stands alone). */
static int push_loc(struct stacks *b, size_t *n, const uint32_t *ids,
		    uint32_t cnt)
{
	uint32_t loc = ids[cnt - 1];
	size_t start = *n, cov = b->covered;
	int err = 0;

	for (uint32_t i = 0; i + 1 < cnt && !err; i++)
		err = push_id(b, n, ids[i]);
	if (err || loc == FRAMES_NO_LOC || cov != start)
		return err;
	/* one location for the frames push_id noted one by one */
	b->nlocs -= cnt - 1;
	b->locs[b->nlocs++] = loc;
	return 0;
}

static int kernel_frame(struct stacks *b, uint64_t addr, size_t *n)
{
	const uint32_t *ids;
	uint32_t cnt, id;
	const char *name = NULL;
	int err;

	if (frames_cache_get(b->frames, 0, addr, &ids, &cnt))
		return push_id(b, n, ids[0]);
	if (b->ksyms) /* loaded before sampling began */
		name = kallsyms_lookup(b->ksyms, addr, NULL);
	err = frames_id(b->frames, FK_KERNEL, name ? name : "[kernel]",
			"[kernel]", &id);
	if (!err)
		err = frames_cache_put(b->frames, 0, addr, &id, 1);
	return err ? err : push_id(b, n, id);
}

/* Symbolises one user address (already adjusted for return addresses) and
 * appends its frame(s): inlined functions first when asked for. */
/* Says once per file that its code is named from exported symbols only
 * (issue 12: say once when debug info cannot be found, never per sample). */
static void note_nodebug(struct stacks *b, const char *module)
{
	int added = 0;

	if (!module || !module[0] || module[0] == '[' || /* [vdso] */
	    intern_add(b->nodebug, module, strlen(module), &added) < 0 || !added)
		return;
	fl_note(module, "no symbol table and no debug info found (stripped; "
		"none by build-id or .gnu_debuglink): only its exported "
		"functions have names, the rest of its code is [%s]", module);
}

static int user_frame(struct stacks *b, struct wproc *p, uint64_t addr,
		      size_t *n)
{
	struct addrspace *as = wproc_addrspace(p);
	const uint32_t *ids;
	uint32_t cnt, tmp[18];
	struct symbol sym;
	int err;

	uint32_t mod;
	uint64_t off, mkey = 0;

	if (frames_cache_get(b->frames, wproc_cache_key(p), addr, &ids, &cnt))
		goto push;
	/* the same file version at the same offset in another process */
	if (wproc_module_at(p, addr, &mod, &off) == 0) {
		mkey = STACK_MODULE_KEY | mod;
		if (frames_cache_get(b->frames, mkey, off, &ids, &cnt)) {
			b->st.module_hits++;
			goto push;
		}
	}
	{
		cnt = 0;
		err = b->opt.inline_frames ?
			      addrspace_symbolize_inline(as, addr, &sym) :
			      addrspace_symbolize(as, addr, &sym);
		if (err)
			return err;
		if (sym.nodebug && b->opt.note_nodebug)
			note_nodebug(b, sym.module);
		for (unsigned i = 0; i < sym.ninlined && !err; i++)
			err = frames_id(b->frames, FK_INLINE, sym.inlined[i],
					sym.module, &tmp[cnt++]);
		if (!err)
			err = frames_id(b->frames, sym.kind, sym.name,
					sym.module, &tmp[cnt++]);
		/* the last entry cached is the address's location */
		tmp[cnt] = FRAMES_NO_LOC;
		if (!err && mkey)
			err = frames_loc(b->frames, mod, off, sym.module, cnt,
					 tmp, &tmp[cnt]);
		cnt++;
		/* the key after symbolising: a perf map read meanwhile
		 * starts a new version */
		/* an unknown address outside file mappings may be JIT code
		 * whose perf-map line is not written yet: ask again later */
		if (!err && (sym.kind != FK_UNKNOWN ||
			     addrspace_covers(as, addr)))
			err = frames_cache_put(b->frames, wproc_cache_key(p),
					       addr, tmp, cnt);
		if (!err && mkey)
			err = frames_cache_put(b->frames, mkey, off, tmp, cnt);
		if (err)
			return err;
		ids = tmp;
	}
push:
	return push_loc(b, n, ids, cnt);
}

static int special_frame(struct stacks *b, enum frame_kind kind,
			 const char *name, size_t *n)
{
	uint32_t id;
	int err = frames_id(b->frames, kind, name, "", &id);

	return err ? err : push_id(b, n, id);
}

/* Kernel frames from the callchain, and user frames too in fp mode. */
static int chain_frames(struct stacks *b, struct wproc *p,
			const struct ev_sample *s, size_t *n, size_t *nkernel)
{
	uint64_t ctx = 0;
	int first_user = 1, err = 0;

	for (uint64_t i = 0; i < s->nr && !err; i++) {
		uint64_t a = event_chain_at(s, i);

		if (a >= (uint64_t)PERF_CONTEXT_MAX) {
			ctx = a;
			continue;
		}
		if (ctx == (uint64_t)PERF_CONTEXT_KERNEL) {
			err = kernel_frame(b, a, n);
			*nkernel = *n;
		} else if (ctx == (uint64_t)PERF_CONTEXT_USER) {
			err = user_frame(b, p, first_user ? a : a - 1, n);
			first_user = 0;
		}
	}
	return err;
}

/* For an Erlang VM the BPF program reads: the Erlang chain of the
 * sample's record (none without one: a late read could name the wrong
 * callers, so the stack then stops at its first JIT frame, truncated). */
static void beam_snapshot(struct stacks *b, struct wproc *p,
			  struct stack_snapshot *snap)
{
	const struct beambpf_rec *r = b->beam;

	if (!wproc_beam_bpf_since(p))
		return;
	snap->erl_given = 1;
	if (!b->beam_given)
		return;
	switch (r->status) {
	case BEAMBPF_NO_PROC:
	case BEAMBPF_STALE:
		/* no process runs (or current_process is one that no longer
		 * runs: erts_schedule between two processes): the scheduler's
		 * own code, complete where the JIT zeroed rbp (fp0 0) */
		snap->erl_complete = 1;
		return;
	case BEAMBPF_OK:
	case BEAMBPF_CUT:
	case BEAMBPF_FAULT:
		snap->erl_complete = r->status == BEAMBPF_OK;
		snap->erl_ra = (const uint64_t *)r->ra;
		snap->erl_n = r->n;
		snap->erl_fp0 = r->fp0;
		snap->erl_e = r->e;
		snap->erl_w0 = r->w0;
		snap->erl_estack = (r->flags & BEAMBPF_F_ESTACK) != 0;
		snap->erl_heap = r->heap;
		snap->erl_hend = r->hend;
		if (r->cs_len == BEAMBPF_CS_MAX && r->n < BEAMBPF_MAX_FRAMES) {
			snap->seg = (const unsigned char *)(r->ra + r->n);
			snap->seg_base = r->cs_base;
			snap->seg_len = r->cs_len;
		}
		return;
	default:
		return;
	}
}

/* The sample's Erlang process from its BEAM record into b->erlproc:
 * "name <0.N.S>" or "<0.N.S>"; "" when none. */
static void beam_process(struct stacks *b, struct wproc *p)
{
	const struct beambpf_rec *r = b->beam;
	struct beamproc *bp = wproc_beam(p);
	const char *name = NULL;
	char pid[48];

	b->erlproc[0] = '\0';
	if (!b->beam_given || !bp || r->status == BEAMBPF_STALE ||
	    beam_pid_text(r->erl_pid, pid, sizeof pid) != 0)
		return;
	if (r->reg_atom)
		name = beamproc_atom(bp, r->reg_atom);
	if (name)
		snprintf(b->erlproc, sizeof b->erlproc, "%s %s", name, pid);
	else
		snprintf(b->erlproc, sizeof b->erlproc, "%s", pid);
	b->st.beam_procs++;
}

/* Appends the frame of an Erlang code address (a return address is
 * given as ra - 1); 1 when it is not Erlang code the perf map names. */
static int erlang_frame(struct stacks *b, struct wproc *p, uint64_t addr,
			size_t *n)
{
	size_t before = *n;
	int err = user_frame(b, p, addr, n), kind;

	if (err)
		return err;
	kind = *n > before ? frames_kind(b->frames, b->ids[*n - 1]) : -1;
	return kind == FK_ERLANG || kind == FK_JIT ? 0 : 1;
}

/* The MFA a dirty scheduler runs (a dirty BIF or NIF: the process's
 * current function), "module:function/arity", as a frame; 1 when the
 * words are no MFA or its atoms cannot be read. */
static int mfa_frame(struct stacks *b, struct wproc *p, const char *above,
		     size_t *n)
{
	const struct beambpf_rec *r = b->beam;
	struct beamproc *bp = wproc_beam(p);
	const char *m, *f;
	char name[600];
	uint32_t id;
	int err;

	if (!bp || r->mfa[2] > 255 || !(m = beamproc_atom(bp, r->mfa[0])) ||
	    !(f = beamproc_atom(bp, r->mfa[1])))
		return 1;
	snprintf(name, sizeof name, "%s:%s/%u", m, f, (unsigned)r->mfa[2]);
	if (above && !strcmp(above, name))
		return 1; /* the frame below names it already */
	err = frames_id(b->frames, FK_ERLANG, name, "", &id);
	return err ? err : push_id(b, n, id);
}

/* A dirty scheduler's sample runs C code with no JIT frame under it: the
 * Erlang process that asked for the work and its chain (read at the
 * sample) go right above erts_dirty_process_main, leaf first: the MFA of
 * the dirty BIF/NIF (or, for a dirty GC, the function the process
 * continues in, i), then its callers.  Only a chain read whole to its
 * bottom, every address Erlang code of the perf map. */
static int beam_dirty_frames(struct stacks *b, struct wproc *p, size_t *n)
{
	const struct beambpf_rec *r = b->beam;
	size_t k, start = *n, m, nlocs = b->nlocs, covered = b->covered;
	const char *above = NULL;
	int err = 0;

	if (!b->beam_given || !r->sched_type || r->status != BEAMBPF_OK ||
	    r->flags & BEAMBPF_F_ESTACK)
		return 0;
	for (k = 0; k < *n; k++) {
		const char *nm = frames_name(b->frames, b->ids[k]);

		if (nm && !strcmp(nm, "erts_dirty_process_main"))
			break;
	}
	if (k == *n)
		return 0;
	/* leaf first, appended after the native frames, then moved */
	if (r->i && erlang_frame(b, p, r->i, n) == 0 &&
	    frames_kind(b->frames, b->ids[*n - 1]) == FK_ERLANG) {
		above = frames_name(b->frames, b->ids[*n - 1]);
	} else {
		*n = start;
		b->nlocs = nlocs;
		b->covered = covered;
	}
	err = mfa_frame(b, p, above, n);
	if (err < 0)
		goto undo;
	err = 0;
	for (uint32_t i = 0; i < r->n && !err; i++)
		err = erlang_frame(b, p, r->ra[i] - 1, n);
	if (err || *n == start)
		goto undo;
	m = *n - start;
	memcpy(b->tmp, b->ids + start, m * sizeof *b->ids);
	memmove(b->ids + k + m, b->ids + k, (start - k) * sizeof *b->ids);
	memcpy(b->ids + k, b->tmp, m * sizeof *b->ids);
	b->nlocs = 0; /* reordered: names only */
	b->covered = SIZE_MAX;
	b->st.beam_dirty++;
	return 0;
undo:
	*n = start;
	b->nlocs = nlocs;
	b->covered = covered;
	return err == -E2BIG ? 0 : err < 0 ? err : 0;
}

static int dwarf_frames(struct stacks *b, struct wproc *p,
			const struct event *ev, size_t *n, uint32_t *flags)
{
	const struct ev_sample *s = &ev->u.sample;
	struct stack_snapshot snap = { 0 };
	size_t npcs = 0;
	uint64_t mism, unconf;
	int rc, err = 0, watch;

	if (!s->abi)
		return 0; /* no user context (kernel thread) */
	snap.tid = (pid_t)ev->tid;
	memcpy(snap.regs, s->regs, sizeof snap.regs);
	snap.stack = s->stack;
	snap.stack_len = s->stack ? s->stack_len : 0;
	/* V8's frames are on the thread's stack: walked in the copy only */
	snap.live_reads = wproc_has_jit(p) && wproc_is_beam(p);
	if (ev->kind == EV_SAMPLE)
		beam_snapshot(b, p, &snap);
	/* an Erlang VM's frames read live, after the sample: checked */
	snap.check_late = !snap.erl_given && wproc_is_beam(p);
	if (b->late_us && (snap.check_late || (!wproc_is_beam(p) &&
					       !wproc_python(p))))
		usleep(b->late_us); /* tests: a recorder behind its samples */
	unconf = addrspace_erl_unconfirmed(wproc_addrspace(p));
	mism = addrspace_erl_mismatch(wproc_addrspace(p));
	/* a CPython process: the eval loop's place in the bytecode at the
	 * sample, to check Python frames read later against */
	watch = wproc_python(p) &&
		addrspace_watch_var(wproc_addrspace(p), PYWALKER_EVAL_FUNCTION,
				    PYWALKER_EVAL_VARIABLE) == 0;
	rc = addrspace_unwind_vars(wproc_addrspace(p), &snap, b->pcs,
				   watch ? b->vals : NULL,
				   watch ? b->have : NULL, MAX_USER_FRAMES,
				   &npcs);
	b->st.beam_mismatch += addrspace_erl_mismatch(wproc_addrspace(p)) - mism;
	if (rc < 0)
		return rc;
	unconf = addrspace_erl_unconfirmed(wproc_addrspace(p)) - unconf;
	b->ev_done = watch;
	for (size_t i = 0; watch && i < npcs; i++) {
		if (b->have[i] == ADDRSPACE_VAR_NOTFN)
			continue;
		b->ev_known[b->nev] = b->have[i] == ADDRSPACE_VAR_READ;
		b->ev_val[b->nev++] = b->vals[i];
	}
	for (size_t i = 0; i < npcs && !err; i++)
		err = user_frame(b, p, i ? b->pcs[i] - 1 : b->pcs[i], n);
	/* a walk that reached _start (ld.so's has no end-of-stack CFI) and
	 * then failed to read past the top of the stack is complete */
	if (!err && rc == 1 && *n > 0 &&
	    stack_is_root(frames_name(b->frames, b->ids[*n - 1])))
		rc = 0;
	/* a user pc in no mapping of the process (seen: samples inside
	 * execve, whose user registers still belong to the old image): the
	 * user part is one [unknown] frame; nothing was unwound, so nothing
	 * was cut either */
	if (!err && rc == 1 && npcs == 1 && *n > 0 &&
	    !addrspace_covers(wproc_addrspace(p), b->pcs[0]) &&
	    !strcmp(frames_name(b->frames, b->ids[*n - 1]), "[unknown]"))
		rc = 0;
	if (!err && rc == 1 && unconf) {
		/* Erlang frames read late, not confirmed: left out */
		*flags |= REC_SF_ERL_UNCONFIRMED;
		b->st.beam_unconfirmed++;
		err = special_frame(b, FK_INVALID, STACK_ERL_UNCONFIRMED, n);
	} else if (!err && rc == 1) {
		*flags |= REC_SF_TRUNCATED;
		b->st.truncated++;
		err = special_frame(b, FK_TRUNCATED, "[truncated]", n);
	}
	return err;
}

/* The frames the BPF program read at the sample (bpf/pystack.h), named
 * from the code-object cache; *mark (enum py_end): PY_END_INVALID when
 * the read met a fault ([invalid] ends the frames), PY_END_CUT when the
 * chain was cut at the depth limit; *unnamed: a code object could not be
 * read (freed since the sample): its frame is [invalid], the chain is
 * still the one read at the sample. */
_Static_assert(sizeof(struct pyrawframe) == sizeof(struct pybpf_frame),
	       "a BPF record's frames are copied as pyrawframes");

static int bpf_pyframes(struct stacks *b, struct pywalker *pw,
			const struct ev_pystack *py, size_t *npy, int *mark,
			int *unnamed)
{
	size_t n = py->n > PYBPF_MAX_FRAMES ? PYBPF_MAX_FRAMES : py->n;
	int err;

	*npy = 0;
	*mark = 0;
	if (n)
		memcpy(b->raw, py->frames, n * sizeof *b->raw);
	err = pywalker_name_raw(pw, b->raw, n, py->status == PYBPF_OK,
				b->opt.lines, b->py, npy);
	if (err && err != -FE_BAD_MEMORY)
		return err;
	*unnamed = err != 0;
	if (py->status == PYBPF_FAULT) {
		b->py[(*npy)++] = (struct pyframe){ .name = "[invalid]", .entry = 1 };
		*mark = 1;
	} else if (py->status == PYBPF_CUT) {
		*mark = PY_END_CUT; /* the merge marks the cut */
	}
	return 0;
}

/* CPython frames of thread tid, merged into the native ones: those the
 * BPF program read at the sample (py), else, for a process the program
 * does not read, from the live process now. */
static int python_frames(struct stacks *b, struct wproc *p,
			 const struct event *ev, const struct ev_pystack *py,
			 size_t *n, size_t nkernel, uint32_t *flags)
{
	struct pywalker *pw = wproc_python(p);
	struct pycheck chk = { pw, b->nev, b->ev_val, b->ev_known };
	size_t npy = 0;
	int err, mark, unnamed = 0, late = 0;

	if (!pw)
		return 0;
	if (py) {
		b->st.py_bpf++;
		if (py->status == PYBPF_NO_TSTATE)
			return 0; /* no Python on this thread (yet) */
		err = bpf_pyframes(b, pw, py, &npy, &mark, &unnamed);
		if (err)
			return 0; /* the process is going away */
		if (unnamed) {
			*flags |= REC_SF_PY_INVALID;
			b->st.py_unnamed++;
		}
	} else if (ev->kind == EV_SAMPLE && wproc_python_bpf_since(p)) {
		/* the program reads this process, but not this sample (taken
		 * before it was registered, or its record was dropped): a late
		 * read could name the wrong callers */
		b->st.py_unread++;
		return 0;
	} else {
		/* one frame more than kept: a deeper stack is cut, marked */
		if (b->late_us && !wproc_is_beam(p))
			usleep(b->late_us); /* tests: a recorder behind */
		err = pywalker_stack(pw, (pid_t)ev->tid, b->opt.lines, b->py,
				     MAX_PY_FRAMES + 1, &npy);
		mark = PY_END_ROOT;
		late = 1;
		if (err && err != -FE_BAD_MEMORY)
			return 0; /* the process is going away */
		if (npy > MAX_PY_FRAMES) {
			npy = MAX_PY_FRAMES;
			mark = PY_END_CUT;
		}
		if (err) {
			b->py[npy++] = (struct pyframe){ .name = "[invalid]", .entry = 1 };
			mark = PY_END_INVALID;
		}
	}
	if (npy == 0)
		return 0;
	b->nlocs = 0; /* the merge reorders the frames: names only */
	b->covered = SIZE_MAX;
	if (late && !b->ev_done)
		chk.n = SIZE_MAX; /* no unwinder's view (--unwind fp): none confirmed */
	return stack_python_merge(b->frames, b->py, npy, mark,
				  b->opt.python_only, b->ids, n, nkernel, flags,
				  &b->st, late ? &chk : NULL);
}

int stacks_build(struct stacks *b, struct wproc *p, const struct event *ev,
		 uint64_t t0_ns, struct rec_sample *out)
{
	return stacks_build_py(b, p, ev, NULL, t0_ns, out);
}

int stacks_build_py(struct stacks *b, struct wproc *p, const struct event *ev,
		    const struct ev_pystack *py, uint64_t t0_ns,
		    struct rec_sample *out)
{
	size_t n = 0, nkernel = 0;
	int err;

	memset(out, 0, sizeof *out);
	b->nlocs = b->covered = 0;
	b->beam_given = 0;
	b->nev = 0;
	b->ev_done = 0;
	if (py && py->status >= BEAMBPF_OK) {
		/* an Erlang VM's record: its frames go in through the unwinder */
		size_t len = py->len;

		if (len > sizeof *b->beam - PYBPF_REC_HDR)
			len = sizeof *b->beam - PYBPF_REC_HDR;
		memset(b->beam, 0, BEAMBPF_REC_HDR);
		b->beam->n = py->n;
		b->beam->status = py->status;
		memcpy((unsigned char *)b->beam + PYBPF_REC_HDR, py->frames, len);
		b->beam_given = 1;
		py = NULL;
	}
	if (ev->kind == EV_SAMPLE && wproc_beam_bpf_since(p)) {
		if (b->beam_given)
			b->st.beam_bpf++;
		else
			b->st.beam_unread++;
	}
	beam_process(b, p);
	err = chain_frames(b, p, &ev->u.sample, &n, &nkernel);
	if (!err && b->opt.unwind != UNWIND_FP)
		err = dwarf_frames(b, p, ev, &n, &out->flags);
	if (!err && ev->kind == EV_SAMPLE)
		err = beam_dirty_frames(b, p, &n);
	if (!err)
		err = python_frames(b, p, ev, py, &n, nkernel, &out->flags);
	if (err == -E2BIG)
		err = 0; /* stack longer than a record holds: kept cut */
	if (err)
		return err;
	out->time_ns = ev->time > t0_ns ? ev->time - t0_ns : 0;
	out->pid = ev->pid;
	out->tid = ev->tid;
	out->cpu = ev->cpu;
	out->weight = 1;
	out->n = (uint32_t)n;
	out->frames = b->ids;
	out->erlproc = b->erlproc[0] ? b->erlproc : NULL;
	if (b->covered == n) {
		out->nlocs = (uint32_t)b->nlocs;
		out->locs = b->locs;
		for (size_t i = 0; i < b->nlocs; i++)
			if (!(b->locs[i] & REC_LOC_FRAME))
				frames_loc_used(b->frames, b->locs[i]);
	}
	b->st.samples++;
	return 0;
}
