/* Unit tests for the recorder's pipeline without a live target: record
 * decoding (profiler/decode.c), time ordering over several sources
 * (profiler/order.c), world updates (profiler/world.c) and the CPython
 * merge (profiler/stack_python.c). */
#include "check.h"

#include "../../common/error.h"
#include "../../profiler/decode.h"
#include "../../profiler/frames.h"
#include "../../profiler/order.h"
#include "../../profiler/ring.h"
#include "../../profiler/sink.h"
#include "../../profiler/stack.h"
#include "../../profiler/world.h"
#include "../../unwind/python/python.h"
#include "../../unwind/python/pyint.h"

#include <errno.h>
#include <linux/perf_event.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* ---- building records ---- */

struct rb {
	unsigned char buf[4096];
	size_t n;
};

static void put64(struct rb *b, uint64_t v)
{
	memcpy(b->buf + b->n, &v, 8);
	b->n += 8;
}

static void put32x2(struct rb *b, uint32_t lo, uint32_t hi)
{
	put64(b, (uint64_t)hi << 32 | lo);
}

static void put_str(struct rb *b, const char *s)
{
	size_t len = strlen(s) + 1, pad = (len + 7) & ~(size_t)7;

	memset(b->buf + b->n, 0, pad);
	memcpy(b->buf + b->n, s, len);
	b->n += pad;
}

static void begin(struct rb *b, uint32_t type, uint16_t misc)
{
	struct perf_event_header h = { type, misc, 0 };

	b->n = 0;
	memcpy(b->buf, &h, sizeof h);
	b->n = sizeof h;
}

static void finish(struct rb *b)
{
	struct perf_event_header *h = (void *)b->buf;

	h->size = (uint16_t)b->n;
}

/* the recorder's layout: TID|TIME|CPU trailer */
static const struct decode_layout L = {
	.sample_type = PERF_SAMPLE_IP | PERF_SAMPLE_TID | PERF_SAMPLE_TIME |
		       PERF_SAMPLE_CPU | PERF_SAMPLE_PERIOD |
		       PERF_SAMPLE_CALLCHAIN | PERF_SAMPLE_REGS_USER |
		       PERF_SAMPLE_STACK_USER,
	.regs_user = 0xff01ffULL,
	.sample_id_all = 1,
};

static void trailer(struct rb *b, uint32_t pid, uint32_t tid, uint64_t t,
		    uint32_t cpu)
{
	put32x2(b, pid, tid);
	put64(b, t);
	put32x2(b, cpu, 0);
}

static void test_decode_sample(void)
{
	struct rb b;
	struct event ev;
	unsigned char stack[16] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };

	begin(&b, PERF_RECORD_SAMPLE, 0);
	put64(&b, 0x401000);          /* ip */
	put32x2(&b, 42, 43);          /* pid tid */
	put64(&b, 1000);              /* time */
	put32x2(&b, 1, 0);            /* cpu */
	put64(&b, 1);                 /* period */
	put64(&b, 2);                 /* nr */
	put64(&b, (uint64_t)PERF_CONTEXT_KERNEL);
	put64(&b, 0xffffffff81000000ull);
	put64(&b, 2);                 /* abi */
	for (int i = 0; i < 17; i++)  /* AX BX CX DX SI DI BP SP IP R8..R15 */
		put64(&b, 100 + i);
	put64(&b, sizeof stack);
	memcpy(b.buf + b.n, stack, sizeof stack);
	b.n += sizeof stack;
	put64(&b, 9);                 /* dyn_size */
	finish(&b);
	CHECK(decode_record(&L, b.buf, b.n, &ev) == 0);
	CHECK(ev.kind == EV_SAMPLE);
	CHECK(ev.pid == 42 && ev.tid == 43 && ev.time == 1000 && ev.cpu == 1);
	CHECK(ev.u.sample.ip == 0x401000 && ev.u.sample.nr == 2);
	CHECK(event_chain_at(&ev.u.sample, 1) == 0xffffffff81000000ull);
	/* DWARF numbering: rax rdx rcx rbx ... rsp=7, r8=8, rip=16 */
	CHECK(ev.u.sample.regs[0] == 100 && ev.u.sample.regs[1] == 103);
	CHECK(ev.u.sample.regs[3] == 101 && ev.u.sample.regs[7] == 107);
	CHECK(ev.u.sample.regs[16] == 108 && ev.u.sample.regs[8] == 109);
	CHECK(ev.u.sample.stack_len == 9 && ev.u.sample.stack[8] == 9);
	/* every cut of the record is refused, never read past */
	for (size_t cut = 0; cut < b.n; cut += 8) {
		struct perf_event_header *h = (void *)b.buf;

		h->size = (uint16_t)cut;
		CHECK(decode_record(&L, b.buf, b.n, &ev) == -FE_CORRUPT);
		CHECK(ev.kind == EV_NONE);
	}
	/* a callchain longer than the record */
	finish(&b);
	memcpy(b.buf + 48, &(uint64_t){ 1000 }, 8);
	CHECK(decode_record(&L, b.buf, b.n, &ev) == -FE_CORRUPT);
}

static void test_decode_layouts(void)
{
	struct decode_layout l = {
		.sample_type = PERF_SAMPLE_IDENTIFIER | PERF_SAMPLE_TID |
			       PERF_SAMPLE_TIME | PERF_SAMPLE_RAW,
		.sample_id_all = 1,
	};
	struct rb b;
	struct event ev;

	begin(&b, PERF_RECORD_SAMPLE, 0);
	put64(&b, 77);               /* identifier */
	put32x2(&b, 5, 6);
	put64(&b, 999);
	put32x2(&b, 4, 0xdeadbeef);  /* raw: size 4, data; padded to 8 */
	finish(&b);
	CHECK(decode_record(&l, b.buf, b.n, &ev) == 0);
	CHECK(ev.pid == 5 && ev.tid == 6 && ev.time == 999);
	/* a COMM with the IDENTIFIER|TID|TIME trailer */
	begin(&b, PERF_RECORD_COMM, 0);
	put32x2(&b, 5, 7);
	put_str(&b, "worker");
	put32x2(&b, 5, 7);
	put64(&b, 1234);
	put64(&b, 77);
	finish(&b);
	CHECK(decode_record(&l, b.buf, b.n, &ev) == 0);
	CHECK(ev.kind == EV_COMM && ev.time == 1234 && ev.tid == 7);
	CHECK_STR(ev.u.comm.comm, "worker");
	/* read_format and branch stacks are not decoded: refused */
	l.sample_type |= PERF_SAMPLE_BRANCH_STACK;
	begin(&b, PERF_RECORD_SAMPLE, 0);
	put64(&b, 1);
	finish(&b);
	CHECK(decode_record(&l, b.buf, b.n, &ev) == -FE_UNSUPPORTED);
}

static void test_decode_side_band(void)
{
	struct rb b;
	struct event ev;
	unsigned char id[24] = { 4, 0, 0, 0, 0xde, 0xad, 0xbe, 0xef };

	begin(&b, PERF_RECORD_MMAP2, PERF_RECORD_MISC_MMAP_BUILD_ID);
	put32x2(&b, 10, 11);
	put64(&b, 0x1000);
	put64(&b, 0x2000);
	put64(&b, 0x3000);
	memcpy(b.buf + b.n, id, sizeof id);
	b.n += sizeof id;
	put32x2(&b, 5, 2);
	put_str(&b, "/usr/bin/prog");
	trailer(&b, 10, 11, 500, 0);
	finish(&b);
	CHECK(decode_record(&L, b.buf, b.n, &ev) == 0);
	CHECK(ev.kind == EV_MMAP && ev.pid == 10 && ev.time == 500);
	CHECK(ev.u.mmap.addr == 0x1000 && ev.u.mmap.len == 0x2000);
	CHECK(ev.u.mmap.pgoff == 0x3000 && ev.u.mmap.prot == 5);
	CHECK(ev.u.mmap.build_id_len == 4 && ev.u.mmap.build_id[3] == 0xef);
	CHECK_STR(ev.u.mmap.path, "/usr/bin/prog");
	/* a path without its terminator */
	memset(b.buf + 8 + 64, 'x', 16);
	CHECK(decode_record(&L, b.buf, b.n, &ev) == -FE_CORRUPT);

	begin(&b, PERF_RECORD_COMM, PERF_RECORD_MISC_COMM_EXEC);
	put32x2(&b, 10, 10);
	put_str(&b, "a-name-longer-than-a-comm-buffer-holds");
	trailer(&b, 10, 10, 600, 1);
	finish(&b);
	CHECK(decode_record(&L, b.buf, b.n, &ev) == 0);
	CHECK(ev.kind == EV_COMM && ev.u.comm.exec && ev.time == 600);
	CHECK(strlen(ev.u.comm.comm) == sizeof ev.u.comm.comm - 1);

	begin(&b, PERF_RECORD_FORK, 0);
	put32x2(&b, 20, 10);   /* pid ppid */
	put32x2(&b, 20, 11);   /* tid ptid */
	put64(&b, 700);
	trailer(&b, 10, 11, 700, 0);
	finish(&b);
	CHECK(decode_record(&L, b.buf, b.n, &ev) == 0);
	CHECK(ev.kind == EV_FORK && ev.pid == 20 && ev.tid == 20);
	CHECK(ev.u.task.ppid == 10 && ev.u.task.ptid == 11 && ev.time == 700);

	begin(&b, PERF_RECORD_LOST, 0);
	put64(&b, 1);
	put64(&b, 33);
	trailer(&b, 0, 0, 800, 0);
	finish(&b);
	CHECK(decode_record(&L, b.buf, b.n, &ev) == 0);
	CHECK(ev.kind == EV_LOST && ev.u.lost.count == 33 && ev.time == 800);

	begin(&b, PERF_RECORD_THROTTLE, 0);
	put64(&b, 1);
	put64(&b, 2);
	put64(&b, 3);
	trailer(&b, 0, 0, 900, 0);
	finish(&b);
	CHECK(decode_record(&L, b.buf, b.n, &ev) == 0 && ev.kind == EV_NONE);
}

/* ---- the ring protocol, on a memfd laid out as a perf ring ---- */

static void ring_put(unsigned char *data, size_t size, uint64_t at,
		     const void *rec, size_t len)
{
	for (size_t i = 0; i < len; i++)
		data[(at + i) & (size - 1)] = ((const unsigned char *)rec)[i];
}

static void test_ring(void)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	int fd = memfd_create("ring", 0), err = 0;
	struct perf_event_mmap_page *meta;
	unsigned char *data;
	const struct perf_event_header *h;
	struct ring *r;
	struct rb b;
	uint64_t at;

	CHECK(fd >= 0 && ftruncate(fd, (off_t)(2 * page)) == 0);
	meta = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK(meta != MAP_FAILED);
	data = (unsigned char *)meta + page;
	/* start near the end, so the second record wraps around */
	at = page - 32;
	meta->data_tail = at;
	r = ring_new(fd, 1, &err);
	CHECK(r != NULL);
	begin(&b, PERF_RECORD_LOST, 0);
	put64(&b, 1);
	put64(&b, 5);
	finish(&b);                  /* 24 bytes: the next one starts 8 bytes before the end */
	ring_put(data, page, at, b.buf, b.n);
	begin(&b, PERF_RECORD_COMM, 0);
	put32x2(&b, 1, 1);
	put_str(&b, "wrapped-name");
	trailer(&b, 1, 1, 77, 0);
	finish(&b);
	ring_put(data, page, at + 24, b.buf, b.n);
	/* nothing is visible before the head moves */
	ring_begin(r);
	CHECK(ring_next(r) == NULL);
	meta->data_head = at + 24 + b.n;
	ring_begin(r);
	h = ring_next(r);
	CHECK(h && h->type == PERF_RECORD_LOST && h->size == 24);
	CHECK(ring_next(r) == h); /* the same until consumed */
	ring_consume(r);
	h = ring_next(r);
	CHECK(h && h->type == PERF_RECORD_COMM && h->size == b.n);
	CHECK(h && !memcmp(h, b.buf, b.n)); /* whole, from the bounce buffer */
	/* not consumed: the kernel keeps it, the next round sees it again */
	ring_end(r);
	CHECK(meta->data_tail == at + 24);
	ring_begin(r);
	h = ring_next(r);
	CHECK(h && h->type == PERF_RECORD_COMM);
	ring_consume(r);
	CHECK(ring_next(r) == NULL);
	ring_end(r);
	CHECK(meta->data_tail == meta->data_head);
	/* a record claiming more than the ring holds: the rest is dropped */
	begin(&b, PERF_RECORD_LOST, 0);
	finish(&b);
	((struct perf_event_header *)b.buf)->size = 4000;
	ring_put(data, page, meta->data_head, b.buf, 8);
	meta->data_head += 64;
	ring_begin(r);
	CHECK(ring_next(r) == NULL);
	ring_end(r);
	CHECK(meta->data_tail == meta->data_head);
	ring_free(r);
	munmap(meta, 2 * page);
	close(fd);
}

/* ---- ordering ---- */

struct fake_src {
	struct event ev[8];
	size_t n, pos;
	uint64_t complete; /* its latest time */
	int ended;
};

static uint64_t fake_begin(void *c) { return ((struct fake_src *)c)->complete; }
static int fake_next(void *c, struct event *ev)
{
	struct fake_src *s = c;

	if (s->pos >= s->n)
		return 0;
	*ev = s->ev[s->pos];
	return 1;
}
static void fake_consume(void *c) { ((struct fake_src *)c)->pos++; }
static void fake_end(void *c) { ((struct fake_src *)c)->ended++; }
static void fake_free(void *c) { (void)c; }
static const struct source_ops fake_ops = {
	fake_begin, fake_next, fake_consume, fake_end, fake_free,
};

struct got {
	uint64_t t[16];
	uint32_t cpu[16];
	size_t n;
};

static int collect(void *ctx, const struct event *ev)
{
	struct got *g = ctx;

	g->cpu[g->n] = ev->cpu;
	g->t[g->n++] = ev->time;
	return 0;
}

static void add(struct fake_src *s, enum event_kind k, uint64_t t, uint32_t cpu)
{
	s->ev[s->n++] = (struct event){ .kind = k, .time = t, .cpu = cpu };
}

static void test_order(void)
{
	struct fake_src a = { 0 }, b = { 0 };
	struct order *o = order_new();
	struct got g = { 0 };

	/* CPU 0 saw 10 30 50 70; CPU 1 saw 20 (an EV_NONE) 40 60 */
	add(&a, EV_SAMPLE, 10, 0);
	add(&a, EV_COMM, 30, 0);
	add(&a, EV_SAMPLE, 50, 0);
	add(&a, EV_SAMPLE, 70, 0);
	add(&b, EV_FORK, 20, 1);
	add(&b, EV_NONE, 25, 1);
	add(&b, EV_SAMPLE, 40, 1);
	add(&b, EV_SAMPLE, 60, 1);
	a.complete = 80;
	b.complete = 55; /* the oldest latest time: the round's limit */
	CHECK(order_add(o, (struct source){ &fake_ops, &a }) == 0);
	CHECK(order_add(o, (struct source){ &fake_ops, &b }) == 0);
	CHECK(order_round(o, 0, collect, &g) == 5);
	CHECK(order_last_limit(o) == 55);
	CHECK(g.n == 5 && g.t[0] == 10 && g.t[1] == 20 && g.t[2] == 30 &&
	      g.t[3] == 40 && g.t[4] == 50);
	CHECK(g.cpu[1] == 1 && g.cpu[2] == 0);
	/* 60 and 70 wait in their sources, unconsumed */
	CHECK(a.pos == 3 && b.pos == 3 && a.ended == 1 && b.ended == 1);
	/* nothing new is complete: nothing moves */
	g.n = 0;
	CHECK(order_round(o, 0, collect, &g) == 0);
	/* the end of the recording lifts the limit */
	CHECK(order_round(o, 1, collect, &g) == 2);
	CHECK(g.t[0] == 60 && g.t[1] == 70);
	order_free(o);
}

static int stop_at_two(void *ctx, const struct event *ev)
{
	struct got *g = ctx;

	g->t[g->n++] = ev->time;
	return g->n == 2 ? -E2BIG : 0;
}

static void test_order_stop(void)
{
	struct fake_src a = { 0 };
	struct order *o = order_new();
	struct got g = { 0 };

	add(&a, EV_SAMPLE, 1, 0);
	add(&a, EV_SAMPLE, 2, 0);
	add(&a, EV_SAMPLE, 3, 0);
	a.complete = 10;
	CHECK(order_add(o, (struct source){ &fake_ops, &a }) == 0);
	CHECK(order_round(o, 0, stop_at_two, &g) == -E2BIG);
	/* the event that failed is consumed (not delivered twice) */
	CHECK(a.pos == 2 && a.ended == 1);
	order_free(o);
}

/* ---- the world ---- */

struct log {
	char text[4096];
	size_t n;
};

#define LOGF(l, ...) \
	((l)->n += (size_t)snprintf((l)->text + (l)->n, sizeof (l)->text - (l)->n, __VA_ARGS__))

static int l_proc(void *c, uint32_t pid, uint32_t ppid, const char *comm,
		  const char *exe)
{
	LOGF((struct log *)c, "P%u<%u:%s ", pid, ppid, comm);
	return 0;
}
static int l_thread(void *c, uint32_t pid, uint32_t tid, const char *name)
{
	LOGF((struct log *)c, "T%u/%u:%s ", pid, tid, name);
	return 0;
}
static int l_map(void *c, uint32_t pid, uint64_t s, uint64_t e, uint64_t off,
		 const char *bid, const char *path)
{
	LOGF((struct log *)c, "M%u:%s:%s ", pid, path, bid);
	return 0;
}
static int l_frame(void *c, uint32_t id, enum frame_kind k, const char *n,
		   const char *m)
{
	return 0;
}
static int l_sample(void *c, const struct rec_sample *s) { return 0; }
static int l_lost(void *c, uint64_t t, uint64_t n) { return 0; }
static const struct sink_ops log_ops = {
	l_proc, l_thread, l_map, l_frame, l_sample, l_lost, NULL, NULL, NULL,
};

static struct event ev_comm(uint32_t pid, uint32_t tid, uint64_t t,
			    const char *comm, int exec)
{
	struct event e = { .kind = EV_COMM, .pid = pid, .tid = tid, .time = t };

	snprintf(e.u.comm.comm, sizeof e.u.comm.comm, "%s", comm);
	e.u.comm.exec = exec;
	return e;
}

static struct event ev_mmap(uint32_t pid, uint64_t t, uint64_t addr,
			    uint32_t prot, const char *path)
{
	struct event e = { .kind = EV_MMAP, .pid = pid, .tid = pid, .time = t };

	e.u.mmap.addr = addr;
	e.u.mmap.len = 0x1000;
	e.u.mmap.prot = prot;
	e.u.mmap.path = path;
	e.u.mmap.build_id_len = 2;
	e.u.mmap.build_id[0] = 0xab;
	e.u.mmap.build_id[1] = 0xcd;
	return e;
}

static void test_world(void)
{
	struct log lg = { .n = 0 };
	struct world_options wo = { .no_proc = true };
	struct world *w = world_new(&wo, (struct sink){ &log_ops, &lg });
	struct event e;
	struct wproc *p;
	uint64_t k0, k1;

	CHECK(w != NULL);
	/* a shell known from its own events */
	e = (struct event){ .kind = EV_FORK, .pid = 100, .tid = 100, .time = 1 };
	e.u.task.ppid = 1;
	e.u.task.ptid = 1;
	CHECK(world_apply(w, &e) == 0);
	e = ev_comm(100, 100, 2, "sh", 1);
	CHECK(world_apply(w, &e) == 0);
	e = ev_mmap(100, 3, 0x400000, 5, "/bin/sh");
	CHECK(world_apply(w, &e) == 0);
	/* it forks a child: same name, same mappings */
	e = (struct event){ .kind = EV_FORK, .pid = 101, .tid = 101, .time = 4 };
	e.u.task.ppid = 100;
	e.u.task.ptid = 100;
	CHECK(world_apply(w, &e) == 0);
	p = world_proc(w, 101);
	CHECK(p && !strcmp(wproc_comm(p), "sh"));
	CHECK_STR(world_thread_comm(w, 101), "sh");
	k0 = wproc_cache_key(p);
	/* a data mapping elsewhere does not touch the symbol cache */
	e = ev_mmap(101, 5, 0x900000, 3, "/etc/passwd");
	CHECK(world_apply(w, &e) == 0);
	CHECK(wproc_cache_key(p) == k0);
	/* the child execs gzip: new name, new cache key */
	e = ev_comm(101, 101, 6, "gzip", 1);
	CHECK(world_apply(w, &e) == 0);
	CHECK_STR(wproc_comm(p), "gzip");
	CHECK_STR(world_thread_comm(w, 101), "gzip");
	k1 = wproc_cache_key(p);
	CHECK(k1 != k0);
	/* a new executable mapping: another version of the address space */
	e = ev_mmap(101, 7, 0x400000, 5, "/bin/gzip");
	CHECK(world_apply(w, &e) == 0);
	CHECK(wproc_cache_key(p) != k1);
	/* modules: the same file version in two processes is one module, at
	 * the same file offset; another build-id is another module */
	{
		uint32_t m1, m2;
		uint64_t o1, o2;

		CHECK(wproc_module_at(world_proc(w, 100), 0x400010, &m1, &o1) == 0);
		e = ev_mmap(101, 7, 0x500000, 5, "/bin/sh");
		e.u.mmap.pgoff = 0x2000;
		CHECK(world_apply(w, &e) == 0);
		CHECK(wproc_module_at(p, 0x500010, &m2, &o2) == 0);
		CHECK(m1 == m2 && o1 == 0x10 && o2 == 0x2010);
		e = ev_mmap(101, 7, 0x600000, 5, "/bin/sh");
		e.u.mmap.build_id[1] = 0xce;
		CHECK(world_apply(w, &e) == 0);
		CHECK(wproc_module_at(p, 0x600010, &m2, &o2) == 0 && m2 != m1);
		/* a data mapping over it: no module there any more */
		e = ev_mmap(101, 7, 0x600000, 3, "/etc/passwd");
		CHECK(world_apply(w, &e) == 0);
		CHECK(wproc_module_at(p, 0x600010, &m2, &o2) == -ENOENT);
		CHECK(wproc_module_at(p, 0x900010, &m2, &o2) == -ENOENT);
	}
	/* the parent's keeps its own */
	CHECK_STR(wproc_comm(world_proc(w, 100)), "sh");
	/* a thread renames itself: the thread, not the process */
	e = (struct event){ .kind = EV_FORK, .pid = 101, .tid = 102, .time = 8 };
	e.u.task.ppid = 101;
	e.u.task.ptid = 101;
	CHECK(world_apply(w, &e) == 0);
	CHECK_STR(world_thread_comm(w, 102), "gzip");
	e = ev_comm(101, 102, 9, "zipper", 0);
	CHECK(world_apply(w, &e) == 0);
	CHECK_STR(world_thread_comm(w, 102), "zipper");
	CHECK_STR(wproc_comm(p), "gzip");
	/* a sample of a thread never seen: learned, counted once */
	e = (struct event){ .kind = EV_SAMPLE, .pid = 101, .tid = 103, .time = 10 };
	CHECK(world_prepare_sample(w, &e, &p) == 0 && p == world_proc(w, 101));
	CHECK(world_prepare_sample(w, &e, &p) == 0);
	CHECK(world_threads_sampled(w) == 1);
	CHECK(world_has_thread(w, 103));
	/* what the sink heard, in order */
	CHECK_STR(lg.text, "P100<1: T100/100: P100<1:sh T100/100:sh "
			   "M100:/bin/sh:abcd P101<100:sh T101/101:sh "
			   "P101<100:gzip T101/101:gzip M101:/bin/gzip:abcd "
			   "M101:/bin/sh:abcd M101:/bin/sh:abce "
			   "T101/102:gzip T101/102:zipper T101/103: ");
	world_free(w);
}

/* ---- the CPython merge ---- */

static int capture_frame(void *c, uint32_t id, enum frame_kind k,
			 const char *n, const char *m)
{
	return 0;
}
static const struct sink_ops quiet_ops = {
	NULL, NULL, NULL, capture_frame, NULL, NULL, NULL, NULL, NULL,
};

static void names(struct frames *f, const uint32_t *ids, size_t n, char *out,
		  size_t len)
{
	size_t o = 0;

	out[0] = '\0';
	for (size_t i = 0; i < n && o < len; i++)
		o += (size_t)snprintf(out + o, len - o, "%s%s", i ? ";" : "",
				      frames_name(f, ids[i]));
}

static void test_python_merge(void)
{
	struct frames *f = frames_new((struct sink){ &quiet_ops, NULL });
	static const char *native[] = { "sys_read", "deflate",
		"_PyEval_EvalFrameDefault", "PyObject_Call",
		"_PyEval_EvalFrameDefault", "main", "_start" };
	struct pyframe py[3] = {
		{ "g (t.py)", 0, 0, 0 }, { "f (t.py)", 1, 0, 0 },
		{ "<module> (t.py)", 1, 0, 0 },
	};
	uint32_t ids[REC_MAX_FRAMES];
	size_t n = 7;
	uint32_t flags = 0;
	struct stack_stats st = { 0 };
	char text[512];

	for (size_t i = 0; i < n; i++)
		CHECK(frames_id(f, i ? FK_NATIVE : FK_KERNEL, native[i], "m",
				&ids[i]) == 0);
	/* two eval frames, two runs: each run replaces its eval frame */
	CHECK(stack_python_merge(f, py, 3, 0, false, ids, &n, 1, &flags, &st, NULL) == 0);
	names(f, ids, n, text, sizeof text);
	CHECK_STR(text, "sys_read;deflate;g (t.py);f (t.py);PyObject_Call;"
			"<module> (t.py);main;_start");
	CHECK(st.py_merged == 1 && flags == 0);
	/* one eval frame more than runs, complete native stack: ambiguous,
	 * the Python frames go on top and the sample is flagged */
	n = 7;
	for (size_t i = 0; i < n; i++)
		CHECK(frames_id(f, i ? FK_NATIVE : FK_KERNEL, native[i], "m",
				&ids[i]) == 0);
	CHECK(stack_python_merge(f, py, 2, 0, false, ids, &n, 1, &flags, &st, NULL) == 0);
	CHECK(st.py_ambiguous == 1 && (flags & REC_SF_PY_AMBIGUOUS));
	names(f, ids, n, text, sizeof text);
	CHECK_STR(text, "sys_read;g (t.py);f (t.py);deflate;"
			"_PyEval_EvalFrameDefault;PyObject_Call;"
			"_PyEval_EvalFrameDefault;main;_start");
	/* a cut Python stack (deeper than STACK_MAX_PY_FRAMES): g and f are
	 * the leaf-most frames kept, f's eval frame is the last one merged,
	 * then [truncated]; the native frames below it are left out */
	n = 7;
	flags = 0;
	for (size_t i = 0; i < n; i++)
		CHECK(frames_id(f, i ? FK_NATIVE : FK_KERNEL, native[i], "m",
				&ids[i]) == 0);
	CHECK(stack_python_merge(f, py, 2, PY_END_CUT, false, ids, &n, 1,
				 &flags, &st, NULL) == 0);
	names(f, ids, n, text, sizeof text);
	CHECK_STR(text, "sys_read;deflate;g (t.py);f (t.py);[truncated]");
	CHECK(st.py_cut == 1 && (flags & REC_SF_TRUNCATED) &&
	      !(flags & REC_SF_PY_AMBIGUOUS));
	/* cut, and fewer eval frames than runs on a complete native stack:
	 * ambiguous, [truncated] between the Python and native frames */
	n = 3;
	flags = 0;
	CHECK(frames_id(f, FK_NATIVE, "main", "m", &ids[1]) == 0);
	CHECK(frames_id(f, FK_NATIVE, "_start", "m", &ids[2]) == 0);
	CHECK(stack_python_merge(f, py, 2, PY_END_CUT, false, ids, &n, 1,
				 &flags, &st, NULL) == 0);
	names(f, ids, n, text, sizeof text);
	CHECK_STR(text, "sys_read;g (t.py);f (t.py);[truncated];main;_start");
	CHECK(st.py_cut == 2 && (flags & REC_SF_PY_AMBIGUOUS));
	/* more frames than a record holds (4000 native + 200 Python): the
	 * root end is cut, and the last frame is [truncated] */
	{
		static struct pyframe many[200];
		uint32_t native_id, eval_id, start_id;

		CHECK(frames_id(f, FK_NATIVE, "work", "m", &native_id) == 0);
		CHECK(frames_id(f, FK_NATIVE, "_PyEval_EvalFrameDefault", "m", &eval_id) == 0);
		CHECK(frames_id(f, FK_NATIVE, "_start", "m", &start_id) == 0);
		for (size_t i = 0; i < 200; i++)
			many[i] = (struct pyframe){ "r (t.py)", i == 199, 0, 0 };
		n = 4000;
		for (size_t i = 0; i < n; i++)
			ids[i] = native_id;
		ids[10] = eval_id;
		ids[n - 1] = start_id;
		flags = 0;
		CHECK(stack_python_merge(f, many, 200, 0, false, ids, &n, 0,
					 &flags, &st, NULL) == 0);
		CHECK(n == REC_MAX_FRAMES);
		CHECK_STR(frames_name(f, ids[n - 1]), "[truncated]");
		CHECK_STR(frames_name(f, ids[10]), "r (t.py)");
		CHECK(flags & REC_SF_TRUNCATED);
	}
	frames_free(f);
}

/* Builds ids[] from names (the first one a kernel frame). */
static size_t set_native(struct frames *f, uint32_t *ids, const char **nat,
			 size_t n)
{
	for (size_t i = 0; i < n; i++)
		CHECK(frames_id(f, i ? FK_NATIVE : FK_KERNEL, nat[i], "m",
				&ids[i]) == 0);
	return n;
}

/* One late merge: natives nat[0..nn) (the first a kernel frame), py[0..2),
 * the check chk; the result must read want. */
static void late_case(struct frames *f, const char **nat, size_t nn,
		      const struct pyframe *py, bool python_only,
		      const struct pycheck *chk, struct stack_stats *st,
		      uint32_t *flags, const char *want)
{
	uint32_t ids[REC_MAX_FRAMES];
	size_t n = set_native(f, ids, nat, nn);
	char text[512];

	CHECK(stack_python_merge(f, py, 2, 0, python_only, ids, &n, 1, flags,
				 st, chk) == 0);
	names(f, ids, n, text, sizeof text);
	CHECK_STR(text, want);
}

/* Python frames read after the sample (the live read, no BPF): an eval
 * call's frames are merged only when its next_instr at the sample is
 * where the frame read later stands (3.12: 0-64 bytes past the frame's
 * instruction pointer); else "[python?]" in their place. */
static void test_python_late(void)
{
	struct frames *f = frames_new((struct sink){ &quiet_ops, NULL });
	struct pywalker *w = NULL;
	static const char *one[] = { "sys_read", "deflate",
		"_PyEval_EvalFrameDefault", "main", "_start" };
	static const char *two[] = { "sys_read", "deflate",
		"_PyEval_EvalFrameDefault", "PyObject_Call",
		"_PyEval_EvalFrameDefault", "main", "_start" };
	static const char *none[] = { "sys_read", "_dl_relocate_object",
		"_dl_start", "_start" };
	/* g called f in one eval call (3.12: g is not an entry frame) */
	struct pyframe py[2] = {
		{ "g (t.py)", 0, 0x7000, 0x10000 },
		{ "f (t.py)", 1, 0x8000, 0x20000 },
	};
	struct pyframe py2[2] = {
		{ "g (t.py)", 1, 0x7000, 0x10000 },
		{ "f (t.py)", 1, 0x8000, 0x20000 },
	};
	uint64_t at[2] = { 0x10002, 0x20010 };
	/* elsewhere at the sample: another code object, before the frame's
	 * instruction, past the slack */
	uint64_t away[] = { 0x30002, 0x10000 - 2, 0x10002 + 64 };
	unsigned char known[2] = { 1, 1 };
	struct pycheck chk;
	uint32_t flags = 0;
	struct stack_stats st = { 0 };
	const char *unconf = "sys_read;deflate;[python?];main;_start";

	CHECK(pywalker_new_fake(getpid(), 12, 0x1000, &w) == 0);
	chk = (struct pycheck){ w, 1, at, known };
	/* confirmed: merged as usual */
	late_case(f, one, 5, py, false, &chk, &st, &flags,
		  "sys_read;deflate;g (t.py);f (t.py);main;_start");
	CHECK(st.py_merged == 1 && st.py_unconfirmed == 0 && flags == 0);
	/* the eval loop was elsewhere: [python?], frames left out */
	for (size_t i = 0; i < 3; i++) {
		chk.next_instr = &away[i];
		flags = 0;
		late_case(f, one, 5, py, false, &chk, &st, &flags, unconf);
		CHECK(flags & REC_SF_PY_UNCONFIRMED);
	}
	CHECK(st.py_unconfirmed == 3);
	/* not known at the sample (no DWARF location there): the same */
	chk.next_instr = at;
	known[0] = 0;
	late_case(f, one, 5, py, false, &chk, &st, &flags, unconf);
	known[0] = 1;
	/* the unwinder's count of eval frames is not the stack's: none
	 * confirmed, [python?] at the root-most eval frame */
	chk.n = 2;
	late_case(f, one, 5, py, false, &chk, &st, &flags, unconf);
	/* two eval calls: the leaf one confirmed, the root one not */
	at[1] = 0x90000;
	late_case(f, two, 7, py2, false, &chk, &st, &flags,
		  "sys_read;deflate;g (t.py);PyObject_Call;[python?];main;_start");
	/* both confirmed */
	at[1] = 0x20010;
	flags = 0;
	late_case(f, two, 7, py2, false, &chk, &st, &flags,
		  "sys_read;deflate;g (t.py);PyObject_Call;f (t.py);main;_start");
	CHECK(flags == 0);
	/* a whole native stack without an eval frame (the dynamic loader,
	 * before Python ran): the frames read later are not attached */
	chk.n = 0;
	late_case(f, none, 4, py, false, &chk, &st, &flags,
		  "sys_read;_dl_relocate_object;_dl_start;_start");
	CHECK(flags & REC_SF_PY_UNCONFIRMED);
	/* --python-only: the Python frames when confirmed, else the marker */
	chk.n = 1;
	late_case(f, one, 5, py, true, &chk, &st, &flags,
		  "sys_read;g (t.py);f (t.py)");
	chk.next_instr = away;
	late_case(f, one, 5, py, true, &chk, &st, &flags, "sys_read;[python?]");
	pywalker_free(w);
	frames_free(f);
}

#define TESTS(X) X(test_decode_sample) X(test_decode_layouts) \
	X(test_decode_side_band) X(test_ring) X(test_order) X(test_order_stop) \
	X(test_world) X(test_python_merge) X(test_python_late)
CHECK_MAIN(TESTS)
