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

SEC("perf_event")
int py_sample(struct bpf_perf_event_data *ctx)
{
	__u64 id = bpf_get_current_pid_tgid(), ts, frame = 0, size;
	__u32 pid = id >> 32, tid = (__u32)id, zero = 0;
	const struct pybpf_proc *c = bpf_map_lookup_elem(&py_procs, &pid);
	struct task_struct *task;
	struct pybpf_rec *r;
	__u64 *dropped;

	if (!c)
		return 1;
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
	if (bpf_ringbuf_output(&py_ring, r, size, 0)) {
		dropped = bpf_map_lookup_elem(&py_dropped, &zero);
		if (dropped)
			(*dropped)++;
	}
	return 1;
}

char LICENSE[] SEC("license") = "GPL";
