// SPDX-License-Identifier: GPL-2.0
/* pystack.bpf.c - reads the CPython frame chain of the sampled thread at
 * the sample, in the kernel.
 *
 * Attached to flamer's cpu-clock perf events (PERF_EVENT_IOC_SET_BPF).  At
 * each sample of a thread of a process user space registered in py_procs,
 * it finds the thread's PyThreadState (the one whose thread_id, the
 * pthread_t, equals the thread's fs base: glibc's pthread_self()), walks
 * the frame chain leaf to root and writes one pybpf_rec to py_ring.  It
 * always returns 1: the perf sample is kept.  See docs/bpf.md. */
#include <linux/bpf.h>
#include <linux/bpf_perf_event.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>
#include <bpf/bpf_tracing.h>

#include "pystack.h"
#include "beamstack.h"

/* The two kernel types read, relocated by libbpf against the running
 * kernel's BTF (CO-RE): only their names and the members used matter. */
struct thread_struct {
	unsigned long fsbase;
} __attribute__((preserve_access_index));

struct task_struct {
	struct thread_struct thread;
} __attribute__((preserve_access_index));

#define MAX_INTERPS 4
#define MAX_TSTATES 256
#define MAX_STEPS (PYBPF_MAX_FRAMES + 64) /* frames + 3.12 shim frames */
#define FRAME_OWNED_BY_CSTACK 3

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, struct pybpf_proc);
} py_procs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, __u32);
	__type(value, __u64);
} py_tstates SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 8 << 20);
} py_ring SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct pybpf_rec);
} py_scratch SEC(".maps");

/* [0]: records dropped because the ring buffer was full */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} py_dropped SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 1024);
	__type(key, __u32);
	__type(value, struct beambpf_proc);
} beam_procs SEC(".maps");

/* tid -> its ErtsSchedulerData (bits 62-63: the scheduler type) */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 65536);
	__type(key, __u32);
	__type(value, __u64);
} beam_esd SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct beambpf_rec);
} beam_scratch SEC(".maps");

static __always_inline int rd64(__u64 addr, __u64 *v)
{
	return bpf_probe_read_user(v, sizeof *v, (const void *)addr);
}

/* The loops run under bpf_loop(): the verifier checks each callback once,
 * not once per iteration (a plain bounded loop of 576 frame steps exceeds
 * its budget). */

struct tscan {
	const struct pybpf_proc *c;
	__u64 fsbase, ts, found;
	int fail;
};

/* One thread state of the list: stops at the thread's own. */
static long tscan_step(__u64 i, void *arg)
{
	struct tscan *t = arg;
	__u64 id;

	if (!t->ts)
		return 1;
	if (rd64(t->ts + t->c->ts_thread_id, &id)) {
		t->fail = 1;
		return 1;
	}
	if (id == t->fsbase) {
		t->found = t->ts;
		return 1;
	}
	if (rd64(t->ts + t->c->ts_next, &t->ts)) {
		t->fail = 1;
		return 1;
	}
	return 0;
}

static __always_inline __u64 find_tstate(const struct pybpf_proc *c,
					 __u32 tid, __u64 fsbase)
{
	__u64 *cached = bpf_map_lookup_elem(&py_tstates, &tid);
	struct tscan t = { .c = c, .fsbase = fsbase };
	__u64 id, interp;

	if (cached && *cached && !rd64(*cached + c->ts_thread_id, &id) &&
	    id == fsbase)
		return *cached;
	if (rd64(c->runtime + c->rt_interp_head, &interp))
		return 0;
	for (int i = 0; i < MAX_INTERPS && interp; i++) {
		if (rd64(interp + c->is_threads_head, &t.ts))
			return 0;
		bpf_loop(MAX_TSTATES, tscan_step, &t, 0);
		if (t.found) {
			bpf_map_update_elem(&py_tstates, &tid, &t.found, BPF_ANY);
			return t.found;
		}
		if (t.fail || rd64(interp + c->is_next, &interp))
			return 0;
	}
	return 0;
}

static __always_inline int current_frame(const struct pybpf_proc *c,
					 __u64 ts, __u64 *frame)
{
	__u64 cf;

	if (c->minor == 11 || c->minor == 12) {
		if (rd64(ts + c->ts_cframe, &cf))
			return -1;
		*frame = 0;
		return cf ? rd64(cf + c->cf_current_frame, frame) : 0;
	}
	return rd64(ts + c->ts_frame, frame);
}

/* The frame count lives in the record (map memory), not here: the
 * verifier does not follow values through map memory, so it checks
 * walk_step's body a few times instead of once per count it could reach
 * (tracked on the stack, the count made it explore ~400,000 instructions
 * and the program took ~1 s to load). */
struct fwalk {
	const struct pybpf_proc *c;
	struct pybpf_rec *r;
	__u64 frame;
};

/* One frame of the chain: appended to the record (or, a 3.12+ C-stack
 * shim, marks the frame before it as an entry frame). */
static long walk_step(__u64 i, void *arg)
{
	struct fwalk *w = arg;
	const struct pybpf_proc *c = w->c;
	struct pybpf_rec *r = w->r;
	__u64 prev, code, instr = 0, file, name;
	__u32 lasti = 0, n = r->n;
	__u8 b = 0;

	if (!w->frame)
		return 1;
	if (n >= PYBPF_MAX_FRAMES) {
		r->status = PYBPF_CUT;
		return 1;
	}
	if (rd64(w->frame + c->fr_previous, &prev))
		goto fault;
	if (c->minor >= 12) {
		if (bpf_probe_read_user(&b, 1,
					(const void *)(w->frame + c->fr_owner)))
			goto fault;
		if (b == FRAME_OWNED_BY_CSTACK) {
			if (n > 0)
				r->f[(n - 1) & (PYBPF_MAX_FRAMES - 1)].code |= 1;
			w->frame = prev;
			return 0;
		}
	}
	if (rd64(w->frame + c->fr_code, &code) ||
	    rd64(code + c->co_filename, &file) || rd64(code + c->co_name, &name))
		goto fault;
	if (c->minor <= 10) {
		if (bpf_probe_read_user(&lasti, 4,
					(const void *)(w->frame + c->fr_instr)))
			goto fault;
		instr = lasti;
	} else if (rd64(w->frame + c->fr_instr, &instr)) {
		goto fault;
	}
	if (c->minor == 11) {
		if (bpf_probe_read_user(&b, 1,
					(const void *)(w->frame + c->fr_is_entry)))
			goto fault;
		if (b)
			code |= 1;
	}
	r->f[n & (PYBPF_MAX_FRAMES - 1)].code = code;
	r->f[n & (PYBPF_MAX_FRAMES - 1)].instr = instr;
	r->f[n & (PYBPF_MAX_FRAMES - 1)].file = file;
	r->f[n & (PYBPF_MAX_FRAMES - 1)].name = name;
	r->n = n + 1;
	w->frame = prev;
	return 0;
fault:
	r->status = PYBPF_FAULT;
	return 1;
}

/* Walks the chain from frame into r->f, sets r->n and r->status. */
static __always_inline void walk(const struct pybpf_proc *c, __u64 frame,
				 struct pybpf_rec *r)
{
	struct fwalk w = { .c = c, .r = r, .frame = frame };

	r->status = PYBPF_OK;
	r->n = 0;
	bpf_loop(MAX_STEPS, walk_step, &w, 0);
	if (w.frame && r->status == PYBPF_OK)
		r->status = PYBPF_CUT;
}

/* Sends a record of size bytes to user space; a full ring counts as
 * dropped (py_dropped).  Both record kinds, CPython's and BEAM's. */
static __always_inline void emit(const void *r, __u64 size)
{
	__u32 zero = 0;
	__u64 *dropped;

	if (bpf_ringbuf_output(&py_ring, (void *)r, size, 0)) {
		dropped = bpf_map_lookup_elem(&py_dropped, &zero);
		if (dropped)
			(*dropped)++;
	}
}

/* ---- BEAM (docs/beam-bpf.md section 4) ---- */

#define BEAM_MAX_ESD 256 /* scheduler-data entries scanned, all arrays */
#define BEAM_TYPE_SHIFT 62

struct escan {
	const struct beambpf_proc *c;
	__u64 fsbase, found; /* found: esdp | type << BEAM_TYPE_SHIFT */
};

/* Entry k of the three arrays, in order: stops at the thread's own. */
static long escan_step(__u64 k, void *arg)
{
	struct escan *s = arg;
	const struct beambpf_proc *c = s->c;
	__u64 type = 0, idx = k, esd, tid;

	if (idx >= c->esd_n[0]) {
		idx -= c->esd_n[0];
		type = 1;
		if (idx >= c->esd_n[1]) {
			idx -= c->esd_n[1];
			type = 2;
			if (idx >= c->esd_n[2])
				return 1;
		}
	}
	esd = c->esd_base[type & 3] + idx * c->esd_stride;
	if (rd64(esd + c->esd_tid, &tid))
		return 1;
	if (tid == s->fsbase) {
		s->found = esd | type << BEAM_TYPE_SHIFT;
		return 1;
	}
	return 0;
}

/* The thread's scheduler data (with its type in the top bits), or 0. */
static __always_inline __u64 find_esd(const struct beambpf_proc *c, __u32 tid,
				      __u64 fsbase)
{
	__u64 *cached = bpf_map_lookup_elem(&beam_esd, &tid);
	struct escan s = { .c = c, .fsbase = fsbase };
	__u64 v, mask = (1ull << BEAM_TYPE_SHIFT) - 1;

	if (cached && *cached && !rd64((*cached & mask) + c->esd_tid, &v) &&
	    v == fsbase)
		return *cached;
	bpf_loop(BEAM_MAX_ESD, escan_step, &s, 0);
	if (s.found)
		bpf_map_update_elem(&beam_esd, &tid, &s.found, BPF_ANY);
	return s.found;
}

/* The frame-pointer chain, in map memory like the Python walk's count. */
struct bwalk {
	struct beambpf_rec *r;
	__u64 fp;
};

/* One Erlang frame: [fp] = the caller's fp, [fp+8] = the return address
 * into the caller.  fp must lie in [e, hend), 8-aligned, and grow; the
 * return address is 4-aligned (the JIT aligns its calls between Erlang
 * functions), except in the first frame: a JIT helper's (measured: a
 * call to call_light_bif_shared may return to any byte). */
static long bwalk_step(__u64 i, void *arg)
{
	struct bwalk *w = arg;
	struct beambpf_rec *r = w->r;
	__u64 ra, next;
	__u32 n = r->n;

	if (!w->fp)
		return 1;
	if (n >= BEAMBPF_MAX_FRAMES) {
		r->status = BEAMBPF_CUT;
		return 1;
	}
	if (w->fp < r->e || w->fp >= r->hend || (w->fp & 7) ||
	    rd64(w->fp + 8, &ra) || rd64(w->fp, &next) || (n && (ra & 3)) ||
	    (next && next <= w->fp))
		goto fault;
	r->ra[n & (BEAMBPF_MAX_FRAMES - 1)] = ra;
	r->n = n + 1;
	w->fp = next;
	return 0;
fault:
	r->status = BEAMBPF_FAULT;
	return 1;
}

#define BEAM_SCAN_SLOTS 256

/* The first frame at or above E: a saved frame pointer (above its slot,
 * below hend, or 0 at the bottom) followed by a return address.  On the
 * Erlang stack every word with primary tag 00 is a continuation pointer or
 * a saved frame pointer (Y registers hold tagged terms), and the return
 * address a frameless JIT helper pushed at E is code, not stack. */
struct fscan {
	__u64 slot, hend, found;
};

static long fscan_step(__u64 i, void *arg)
{
	struct fscan *s = arg;
	__u64 v[2];

	if (s->slot + 16 > s->hend ||
	    bpf_probe_read_user(v, sizeof v, (const void *)s->slot))
		return 1;
	if (!(v[0] & 7) && (v[0] == 0 || (v[0] > s->slot && v[0] < s->hend)) &&
	    v[1]) {
		s->found = s->slot;
		return 1;
	}
	s->slot += 8;
	return 0;
}

static __always_inline int rd32(__u64 addr, __u32 *v)
{
	return bpf_probe_read_user(v, sizeof *v, (const void *)addr);
}

/* Fills r (header already set) for a thread of a BEAM process. */
static __always_inline void beam_walk(struct bpf_perf_event_data *ctx,
				      const struct beambpf_proc *c,
				      struct beambpf_rec *r)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();
	__u64 esd, cp, pseudo, reg, name, stop, sp, regs;
	__u32 state;
	struct bwalk w = { .r = r };

	esd = find_esd(c, r->tid, BPF_CORE_READ(task, thread.fsbase));
	if (!esd) {
		r->status = BEAMBPF_NOT_SCHED;
		return;
	}
	r->sched_type = esd >> BEAM_TYPE_SHIFT;
	esd &= (1ull << BEAM_TYPE_SHIFT) - 1;
	if (rd64(esd + c->esd_cur, &cp) || rd64(esd + c->esd_pseudo, &pseudo))
		goto fault;
	if (!cp || cp == pseudo) {
		r->status = BEAMBPF_NO_PROC;
		return;
	}
	if (rd64(cp + c->p_id, &r->erl_pid) || rd64(cp + c->p_heap, &r->heap) ||
	    rd64(cp + c->p_hend, &r->hend) || rd64(cp + c->p_stop, &stop) ||
	    rd32(cp + c->p_state, &state) || (r->erl_pid & 0xf) != 3 ||
	    r->heap > stop || stop > r->hend) {
		r->erl_pid = 0;
		goto fault;
	}
	if (!(state & c->running_mask)) {
		r->status = BEAMBPF_STALE;
		return;
	}
	if (!rd64(cp + c->p_reg, &reg) && reg &&
	    !rd64(reg + c->reg_name, &name) && (name & 0x3f) == 0xb)
		r->reg_atom = name;
	sp = PT_REGS_SP(&ctx->regs);
	if (sp >= r->heap && sp < r->hend) {
		/* JIT code: rsp is E, rbp the chain */
		r->flags = BEAMBPF_F_ESTACK;
		r->e = sp;
		r->fp0 = PT_REGS_FP(&ctx->regs);
	} else {
		/* C code (under a JIT helper, or a dirty scheduler): the
		 * process's saved stop and frame pointer */
		struct fscan fs = { .slot = stop, .hend = r->hend };

		r->e = stop;
		if (rd64(cp + c->p_fp, &r->fp0) || rd64(cp + c->p_i, &r->i))
			goto fault;
		/* frame_pointer is saved only around BIF/NIF calls and GC
		 * (eStack): stale after other runtime calls, where stop is
		 * still exact; the frame found from stop is the one */
		bpf_loop(BEAM_SCAN_SLOTS, fscan_step, &fs, 0);
		if (fs.found && fs.found != r->fp0) {
			r->fp0 = fs.found;
			r->flags |= BEAMBPF_F_SCANNED;
		}
		if (!rd64(cp + c->p_current, &name) && name)
			bpf_probe_read_user(r->mfa, sizeof r->mfa,
					    (const void *)name);
	}
	if (rd64(r->e, &r->w0))
		goto fault;
	/* a normal scheduler's C code well under the JIT: the top of its
	 * C stack (copied by beam_sample, after the frames) */
	if (r->sched_type == 0 && c->esd_regs >= 0 &&
	    !rd64(esd + c->esd_regs, &regs) && regs > sp &&
	    regs - sp > BEAMBPF_CS_MAX && regs - sp < (1ull << 24)) {
		r->cs_base = regs - BEAMBPF_CS_MAX;
		r->cs_len = BEAMBPF_CS_MAX;
	}
	w.fp = r->fp0;
	r->status = BEAMBPF_OK;
	bpf_loop(BEAMBPF_MAX_FRAMES + 1, bwalk_step, &w, 0);
	if (w.fp && r->status == BEAMBPF_OK)
		r->status = BEAMBPF_CUT;
	return;
fault:
	r->status = BEAMBPF_FAULT;
}

static __always_inline void beam_sample(struct bpf_perf_event_data *ctx,
					const struct beambpf_proc *c,
					__u32 pid, __u32 tid)
{
	__u32 zero = 0;
	struct beambpf_rec *r = bpf_map_lookup_elem(&beam_scratch, &zero);
	__u64 size, n;

	if (!r)
		return;
	__builtin_memset(r, 0, BEAMBPF_REC_HDR);
	r->time = bpf_ktime_get_ns();
	r->pid = pid;
	r->tid = tid;
	r->ip = PT_REGS_IP(&ctx->regs);
	r->period = ctx->sample_period;
	beam_walk(ctx, c, r);
	n = r->n;
	if (n > BEAMBPF_MAX_FRAMES)
		n = BEAMBPF_MAX_FRAMES;
	/* after the frames (a cut chain of MAX_FRAMES sends none) */
	if (r->cs_len && (n >= BEAMBPF_MAX_FRAMES ||
			  bpf_probe_read_user(&r->ra[n & (BEAMBPF_MAX_FRAMES - 1)],
					      BEAMBPF_CS_MAX,
					      (const void *)r->cs_base)))
		r->cs_len = 0;
	size = BEAMBPF_REC_SIZE((__u64)n) + (r->cs_len ? BEAMBPF_CS_MAX : 0);
	if (size > sizeof *r)
		size = sizeof *r;
	emit(r, size);
}

SEC("perf_event")
int py_sample(struct bpf_perf_event_data *ctx)
{
	__u64 id = bpf_get_current_pid_tgid(), ts, frame = 0, size;
	__u32 pid = id >> 32, tid = (__u32)id, zero = 0;
	const struct pybpf_proc *c = bpf_map_lookup_elem(&py_procs, &pid);
	struct task_struct *task;
	struct pybpf_rec *r;

	const struct beambpf_proc *bc;

	if (!c) {
		/* one program per perf event: it serves the Erlang VMs too */
		bc = bpf_map_lookup_elem(&beam_procs, &pid);
		if (bc)
			beam_sample(ctx, bc, pid, tid);
		return 1;
	}
	r = bpf_map_lookup_elem(&py_scratch, &zero);
	if (!r)
		return 1;
	r->time = bpf_ktime_get_ns();
	r->pid = pid;
	r->tid = tid;
	r->n = 0;
	r->ip = PT_REGS_IP(&ctx->regs);
	r->period = ctx->sample_period;
	task = (struct task_struct *)bpf_get_current_task();
	ts = find_tstate(c, tid, BPF_CORE_READ(task, thread.fsbase));
	if (!ts)
		r->status = PYBPF_NO_TSTATE;
	else if (current_frame(c, ts, &frame))
		r->status = PYBPF_FAULT;
	else
		walk(c, frame, r);
	size = PYBPF_REC_SIZE((__u64)r->n);
	if (size > sizeof *r)
		size = sizeof *r;
	emit(r, size);
	return 1;
}

char LICENSE[] SEC("license") = "GPL";
