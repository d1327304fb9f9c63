/* The sample pipeline: perf records in, symbolised frames and SAMPLE
 * records out. */
#include "sessionP.h"
#include "../common/error.h"
#include "../common/log.h"
#include "../unwind/buildid.h"
#include "../unwind/perfmap.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define MAX_USER_FRAMES 1024
#define MAX_IDS (REC_MAX_FRAMES)

/* A bounds-checked cursor over one perf record. */
struct pcur {
	const unsigned char *p, *end;
	int bad;
};

static uint64_t take64(struct pcur *c)
{
	uint64_t v = 0;

	if (c->end - c->p < 8) {
		c->bad = 1;
		return 0;
	}
	memcpy(&v, c->p, 8);
	c->p += 8;
	return v;
}

static void take32x2(struct pcur *c, uint32_t *a, uint32_t *b)
{
	uint64_t v = take64(c);

	*a = (uint32_t)v;
	*b = (uint32_t)(v >> 32);
}

static int push_id(struct session *s, size_t *n, uint32_t id)
{
	if (*n >= MAX_IDS)
		return -E2BIG;
	s->ids[(*n)++] = id;
	return 0;
}

static int kernel_frame(struct session *s, uint64_t addr, size_t *n)
{
	const uint32_t *ids;
	uint32_t cnt, id;
	const char *name = NULL;
	int err;

	if (frames_cache_get(s->frames, 0, addr, &ids, &cnt))
		return push_id(s, n, ids[0]);
	if (s->ksyms) /* loaded before sampling began */
		name = kallsyms_lookup(s->ksyms, addr, NULL);
	err = frames_id(s->frames, FK_KERNEL, name ? name : "[kernel]",
			"[kernel]", &id);
	if (!err)
		err = frames_cache_put(s->frames, 0, addr, &id, 1);
	return err ? err : push_id(s, n, id);
}

/* Symbolises one user address (already adjusted for return addresses) and
 * appends its frame(s): inlined functions first when asked for. */
static int user_frame(struct session *s, struct proc *p, uint64_t addr,
		      size_t *n)
{
	const uint32_t *ids;
	uint32_t cnt, tmp[17];
	struct symbol sym;
	int err;

	if (!frames_cache_get(s->frames, p->asid, addr, &ids, &cnt)) {
		cnt = 0;
		err = s->opt.inline_frames ?
			      addrspace_symbolize_inline(p->as, addr, &sym) :
			      addrspace_symbolize(p->as, addr, &sym);
		if (err)
			return err;
		for (unsigned i = 0; i < sym.ninlined && !err; i++)
			err = frames_id(s->frames, FK_INLINE, sym.inlined[i],
					sym.module, &tmp[cnt++]);
		if (!err)
			err = frames_id(s->frames, sym.kind, sym.name,
					sym.module, &tmp[cnt++]);
		/* an unknown address outside file mappings may be JIT code
		 * whose perf-map line is not written yet: ask again later */
		if (!err && (sym.kind != FK_UNKNOWN ||
			     addrspace_covers(p->as, addr)))
			err = frames_cache_put(s->frames, p->asid, addr, tmp, cnt);
		if (err)
			return err;
		ids = tmp;
	}
	for (uint32_t i = 0; i < cnt; i++) {
		err = push_id(s, n, ids[i]);
		if (err)
			return err;
	}
	return 0;
}

static int special_frame(struct session *s, enum frame_kind kind,
			 const char *name, size_t *n)
{
	uint32_t id;
	int err = frames_id(s->frames, kind, name, "", &id);

	return err ? err : push_id(s, n, id);
}

/* perf's x86-64 register order (mask 0xff01ff) to DWARF numbering. */
static void regs_to_dwarf(const uint64_t *r, uint64_t *d)
{
	d[0] = r[0];  /* rax */
	d[1] = r[3];  /* rdx */
	d[2] = r[2];  /* rcx */
	d[3] = r[1];  /* rbx */
	d[4] = r[4];  /* rsi */
	d[5] = r[5];  /* rdi */
	d[6] = r[6];  /* rbp */
	d[7] = r[7];  /* rsp */
	for (int i = 0; i < 8; i++)
		d[8 + i] = r[9 + i]; /* r8..r15 */
	d[16] = r[8]; /* rip */
}

struct raw_sample {
	uint32_t pid, tid, cpu;
	uint64_t time;
	uint64_t nr;
	const uint64_t *chain; /* unaligned-safe: copied before use */
	uint64_t abi;
	uint64_t regs[EVENTS_NREGS];
	const unsigned char *stack;
	uint64_t stack_len;
};

static int parse_sample(struct session *s, const struct perf_event_header *h,
			struct raw_sample *r)
{
	struct pcur c = { (const unsigned char *)(h + 1),
			  (const unsigned char *)h + h->size, 0 };
	uint64_t type = events_sample_type(s->ev);
	uint32_t res;

	memset(r, 0, sizeof *r);
	take64(&c); /* ip */
	take32x2(&c, &r->pid, &r->tid);
	r->time = take64(&c);
	take32x2(&c, &r->cpu, &res);
	take64(&c); /* period */
	r->nr = take64(&c);
	if (c.bad || r->nr > (uint64_t)(c.end - c.p) / 8)
		return -FE_CORRUPT;
	r->chain = (const uint64_t *)c.p;
	c.p += r->nr * 8;
	if (type & PERF_SAMPLE_REGS_USER) {
		r->abi = take64(&c);
		if (r->abi) {
			uint64_t raw[EVENTS_NREGS];

			for (int i = 0; i < EVENTS_NREGS; i++)
				raw[i] = take64(&c);
			regs_to_dwarf(raw, r->regs);
		}
	}
	if (type & PERF_SAMPLE_STACK_USER) {
		uint64_t size = take64(&c);

		if (size && size <= (uint64_t)(c.end - c.p)) {
			r->stack = c.p;
			c.p += size;
			r->stack_len = take64(&c); /* dyn_size */
			if (r->stack_len > size)
				r->stack_len = size;
		}
	}
	return c.bad ? -FE_CORRUPT : 0;
}

static uint64_t chain_at(const struct raw_sample *r, uint64_t i)
{
	uint64_t v;

	memcpy(&v, (const unsigned char *)r->chain + i * 8, 8);
	return v;
}

/* Kernel frames from the callchain, and user frames too in fp mode. */
static int chain_frames(struct session *s, struct proc *p,
			const struct raw_sample *r, size_t *n, size_t *nkernel)
{
	uint64_t ctx = 0;
	int first_user = 1, err = 0;

	for (uint64_t i = 0; i < r->nr && !err; i++) {
		uint64_t a = chain_at(r, i);

		if (a >= (uint64_t)PERF_CONTEXT_MAX) {
			ctx = a;
			continue;
		}
		if (ctx == (uint64_t)PERF_CONTEXT_KERNEL) {
			err = kernel_frame(s, a, n);
			*nkernel = *n;
		} else if (ctx == (uint64_t)PERF_CONTEXT_USER) {
			err = user_frame(s, p, first_user ? a : a - 1, n);
			first_user = 0;
		}
	}
	return err;
}

static int dwarf_frames(struct session *s, struct proc *p,
			const struct raw_sample *r, size_t *n, uint32_t *flags)
{
	struct stack_snapshot snap = { 0 };
	size_t npcs = 0;
	int rc, err = 0;

	if (!r->abi)
		return 0; /* no user context (kernel thread) */
	snap.tid = (pid_t)r->tid;
	memcpy(snap.regs, r->regs, sizeof snap.regs);
	snap.stack = r->stack;
	snap.stack_len = r->stack ? r->stack_len : 0;
	snap.live_reads = p->jit != NULL;
	rc = addrspace_unwind(p->as, &snap, s->pcs, MAX_USER_FRAMES, &npcs);
	if (rc < 0)
		return rc;
	for (size_t i = 0; i < npcs && !err; i++)
		err = user_frame(s, p, i ? s->pcs[i] - 1 : s->pcs[i], n);
	/* a walk that reached _start (ld.so's has no end-of-stack CFI) and
	 * then failed to read past the top of the stack is complete */
	if (!err && rc == 1 && *n > 0 &&
	    session_is_stack_root(frames_name(s->frames, s->ids[*n - 1])))
		rc = 0;
	/* a user pc in no mapping of the process (seen: samples inside
	 * execve, whose user registers still belong to the old image): the
	 * user part is one [unknown] frame; nothing was unwound, so nothing
	 * was cut either */
	if (!err && rc == 1 && npcs == 1 && *n > 0 &&
	    !addrspace_covers(p->as, s->pcs[0]) &&
	    !strcmp(frames_name(s->frames, s->ids[*n - 1]), "[unknown]"))
		rc = 0;
	if (!err && rc == 1) {
		*flags |= REC_SF_TRUNCATED;
		s->truncated++;
		err = special_frame(s, FK_TRUNCATED, "[truncated]", n);
	}
	return err;
}

/* The sampled user pc, or 0. */
static uint64_t user_pc(const struct raw_sample *r)
{
	uint64_t ctx = 0;

	if (r->abi)
		return r->regs[16];
	for (uint64_t i = 0; i < r->nr; i++) {
		uint64_t a = chain_at(r, i);

		if (a >= (uint64_t)PERF_CONTEXT_MAX)
			ctx = a;
		else if (ctx == (uint64_t)PERF_CONTEXT_USER)
			return a;
	}
	return 0;
}

/* A pc in no known mapping means an MMAP2 record was lost (ring overflow
 * while the recorder was busy, e.g. loading a big debug file): re-read
 * /proc/PID/maps, at most every 200 ms, unless the pc is JIT code. */
static void heal_maps(struct session *s, struct proc *p,
		      const struct raw_sample *r)
{
	uint64_t pc = user_pc(r), now;
	const char *name;
	enum frame_kind kind;

	if (!pc || p->exited || addrspace_covers(p->as, pc))
		return;
	if (p->jit && perfmap_lookup(p->jit, pc, &name, &kind) == 0)
		return;
	now = session_now_ns();
	if (now - p->maps_reloaded < 200000000ull)
		return;
	p->maps_reloaded = now;
	addrspace_load_proc_maps(p->as, now);
}

static int handle_sample(struct session *s, const struct perf_event_header *h)
{
	struct raw_sample r;
	struct rec_sample out = { 0 };
	struct proc *p;
	struct thread *t;
	size_t n = 0, nkernel = 0;
	int err = parse_sample(s, h, &r);

	if (err)
		return 0; /* a malformed record is dropped, never fatal */
	p = session_proc(s, (pid_t)r.pid, 1);
	t = session_thread(s, (pid_t)r.pid, (pid_t)r.tid, 1);
	if (!p || !t)
		return -ENOMEM;
	if (!t->sampled) {
		t->sampled = 1;
		s->nthreads_sampled++;
	}
	session_interp_prepare(s, p);
	heal_maps(s, p, &r);
	err = chain_frames(s, p, &r, &n, &nkernel);
	if (!err && s->opt.ev.unwind != UNWIND_FP)
		err = dwarf_frames(s, p, &r, &n, &out.flags);
	if (!err)
		err = session_interp_merge(s, p, (pid_t)r.tid, s->ids, &n,
					   nkernel, &out.flags);
	if (err == -E2BIG)
		err = 0; /* stack longer than a record holds: kept cut */
	if (err)
		return err;
	out.time_ns = r.time > s->t0_ns ? r.time - s->t0_ns : 0;
	out.pid = r.pid;
	out.tid = r.tid;
	out.cpu = r.cpu;
	out.weight = 1;
	out.n = (uint32_t)n;
	out.frames = s->ids;
	s->samples++;
	return recwriter_sample(s->w, &out);
}

/* The timestamp of a non-sample record: sample_id_all appends pid, tid,
 * time, cpu (TID|TIME|CPU), so time is 16 bytes before the end. */
static uint64_t record_time(const struct perf_event_header *h)
{
	uint64_t t = 0;

	if (h->size >= sizeof *h + 24)
		memcpy(&t, (const unsigned char *)h + h->size - 16, sizeof t);
	return t;
}

static int handle_mmap2(struct session *s, const struct perf_event_header *h)
{
	const struct {
		uint32_t pid, tid;
		uint64_t addr, len, pgoff;
		unsigned char id[24];
		uint32_t prot, flags;
	} *m = (const void *)(h + 1);
	size_t fixed = sizeof *h + sizeof *m;
	char path[4096];
	size_t maxlen;
	struct proc *p;

	if (h->size <= fixed)
		return 0;
	maxlen = h->size - fixed;
	if (maxlen >= sizeof path)
		maxlen = sizeof path - 1;
	memcpy(path, m + 1, maxlen);
	path[maxlen] = '\0';
	p = session_proc(s, (pid_t)m->pid, 1);
	if (!p)
		return -ENOMEM;
	if (addrspace_add_map(p->as, record_time(h), m->addr, m->len, m->pgoff,
			      m->prot, path))
		return -ENOMEM;
	if ((m->prot & PROT_EXEC) && path[0] == '/') {
		char hex[2 * 20 + 1] = "";

		if ((h->misc & PERF_RECORD_MISC_MMAP_BUILD_ID) && m->id[0] <= 20)
			buildid_hex(m->id + 4, m->id[0], hex, sizeof hex);
		return recwriter_map(s->w, m->pid, m->addr, m->addr + m->len,
				     m->pgoff, hex, path);
	}
	return 0;
}

static int handle_comm(struct session *s, const struct perf_event_header *h)
{
	const uint32_t *ids = (const void *)(h + 1);
	char comm[32] = "";
	size_t max = h->size - sizeof *h - 8;
	struct thread *t;
	struct proc *p;

	if (h->size < sizeof *h + 8)
		return 0;
	memcpy(comm, ids + 2, max < sizeof comm - 1 ? max : sizeof comm - 1);
	comm[sizeof comm - 1] = '\0';
	if (h->misc & PERF_RECORD_MISC_COMM_EXEC) {
		/* exec: a new address space; its mappings follow as MMAP2 */
		p = session_proc(s, (pid_t)ids[0], 1);
		if (!p)
			return -ENOMEM;
		addrspace_exec(p->as, record_time(h));
		p->asid = ++s->next_asid;
		session_interp_prepare(NULL, p);
		snprintf(p->comm, sizeof p->comm, "%s", comm);
		recwriter_proc(s->w, ids[0], (uint32_t)p->ppid, comm, "");
	}
	t = session_thread(s, (pid_t)ids[0], (pid_t)ids[1], 1);
	if (!t)
		return -ENOMEM;
	snprintf(t->comm, sizeof t->comm, "%s", comm);
	if (ids[0] == ids[1]) {
		p = session_proc(s, (pid_t)ids[0], 1);
		if (p)
			snprintf(p->comm, sizeof p->comm, "%s", comm);
	}
	return recwriter_thread(s->w, ids[0], ids[1], comm);
}

static int handle_task(struct session *s, const struct perf_event_header *h)
{
	const uint32_t *v = (const void *)(h + 1); /* pid ppid tid ptid */
	struct proc *parent;

	if (h->size < sizeof *h + 16)
		return 0;
	if (h->type == PERF_RECORD_FORK) {
		if (v[0] != v[1]) {
			parent = session_proc(s, (pid_t)v[1], 0);
			if (session_new_process(s, (pid_t)v[0], (pid_t)v[1], parent))
				return -ENOMEM;
		}
		return session_thread(s, (pid_t)v[0], (pid_t)v[2], 1) ? 0 : -ENOMEM;
	}
	/* EXIT of a whole process: its pid may be reused later */
	if (v[0] == v[2]) {
		struct proc *p = session_proc(s, (pid_t)v[0], 0);

		if (p)
			p->exited = 1;
	}
	return 0;
}

int session_handle(void *ctx, const struct perf_event_header *h)
{
	struct session *s = ctx;
	const uint64_t *lost;

	switch (h->type) {
	case PERF_RECORD_SAMPLE:
		return handle_sample(s, h);
	case PERF_RECORD_MMAP2:
		return handle_mmap2(s, h);
	case PERF_RECORD_COMM:
		return handle_comm(s, h);
	case PERF_RECORD_FORK:
	case PERF_RECORD_EXIT:
		return handle_task(s, h);
	case PERF_RECORD_LOST:
		if (h->size < sizeof *h + 16)
			return 0;
		lost = (const void *)(h + 1);
		s->lost += lost[1];
		return recwriter_lost(s->w, session_now_ns() - s->t0_ns,
				      lost[1]);
	default:
		return 0;
	}
}
