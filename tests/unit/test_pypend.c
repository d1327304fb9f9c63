/* Unit tests for profiler/pypend.c: pairing the CPython frames the BPF
 * program read at a sample with the perf sample of the same tick. */
#include "check.h"

#include "../../profiler/pypend.h"
#include "../../bpf/pystack.h"

#include <stdint.h>

static struct pybpf_frame frames[3] = {
	{ 0x1000, 1, 0x2000, 0x3000 },
	{ 0x1100, 2, 0x2000, 0x3100 },
	{ 0x1200, 3, 0x2000, 0x3200 },
};

/* A record of tid taken by the kernel at real time t (ns). */
static struct event rec(uint32_t tid, uint64_t t, uint64_t ip,
			uint64_t period, uint32_t n)
{
	struct event ev = { .kind = EV_PYSTACK, .pid = 1, .tid = tid,
			    .time = t - PYSTACK_SHIFT_NS };

	ev.u.py.real_time = t;
	ev.u.py.ip = ip;
	ev.u.py.period = period;
	ev.u.py.n = n;
	ev.u.py.frames = (const unsigned char *)frames;
	ev.u.py.len = n * (uint32_t)sizeof(struct pybpf_frame);
	return ev;
}

static struct event sample(uint32_t tid, uint64_t t, uint64_t ip,
			   uint64_t period)
{
	struct event ev = { .kind = EV_SAMPLE, .pid = 1, .tid = tid,
			    .time = t };

	ev.u.sample.ip = ip;
	ev.u.sample.period = period;
	return ev;
}

static void test_pairs_its_own_sample(void)
{
	struct pypend *p = pypend_new();
	struct event r = rec(7, 10000000, 0x401000, 1000000, 3);
	struct event s = sample(7, 10000000 - 20000, 0x401000, 1000000);
	const struct ev_pystack *got;

	CHECK(p != NULL);
	CHECK(pypend_put(p, &r) == 0);
	r.u.py.frames = NULL; /* the table holds a copy */
	got = pypend_take(p, &s);
	CHECK(got != NULL);
	if (got) {
		struct pybpf_frame f;

		CHECK(got->n == 3 && got->status == 0);
		memcpy(&f, got->frames + sizeof f, sizeof f);
		CHECK(f.code == 0x1100 && f.instr == 2 && f.name == 0x3100);
	}
	/* given once only */
	CHECK(pypend_take(p, &s) == NULL);
	pypend_free(p);
}

static void test_never_another_sample(void)
{
	struct pypend *p = pypend_new();
	struct event r = rec(7, 10000000, 0x401000, 1000000, 1);
	struct event other_ip = sample(7, 9990000, 0x401008, 1000000);
	struct event other_period = sample(7, 9990000, 0x401000, 999999);
	struct event other_tid = sample(8, 9990000, 0x401000, 1000000);
	struct event too_early = sample(7, 10000000 - PYSTACK_SHIFT_NS, 0x401000,
					1000000);
	struct event later = sample(7, 10000001, 0x401000, 1000000);
	struct event right = sample(7, 9990000, 0x401000, 1000000);

	CHECK(pypend_put(p, &r) == 0);
	CHECK(pypend_take(p, &other_ip) == NULL);
	CHECK(pypend_take(p, &other_period) == NULL);
	CHECK(pypend_take(p, &other_tid) == NULL);
	CHECK(pypend_take(p, &too_early) == NULL);
	CHECK(pypend_take(p, &right) != NULL);
	/* a record whose sample was lost is dropped by the next sample of
	 * its thread, not given to it */
	CHECK(pypend_put(p, &r) == 0);
	CHECK(pypend_take(p, &later) == NULL);
	CHECK(pypend_take(p, &right) == NULL);
	pypend_free(p);
}

static void test_full_set_keeps_newest(void)
{
	struct pypend *p = pypend_new();
	struct event s0 = sample(5, 1000000 - 10, 0x10, 1);
	struct event s8 = sample(5, 1000000 + 8 * 600000 - 10, 0x10, 1);
	struct event ss = sample(5 + 1024, 1000000 + 3 * 600000 - 10, 0x10, 1);

	/* 9 records of one set (tids 5 and 1029): the oldest is replaced */
	for (int i = 0; i < 9; i++) {
		struct event r = rec(i == 3 ? 5 + 1024 : 5,
				     1000000 + (uint64_t)i * 600000, 0x10, 1, 0);

		CHECK(pypend_put(p, &r) == 0);
	}
	CHECK(pypend_take(p, &s0) == NULL); /* replaced */
	CHECK(pypend_take(p, &ss) != NULL);
	CHECK(pypend_take(p, &s8) != NULL);
	pypend_free(p);
	pypend_free(NULL);
}

#define TESTS(X)                                                            \
	X(test_pairs_its_own_sample)                                        \
	X(test_never_another_sample)                                        \
	X(test_full_set_keeps_newest)

CHECK_MAIN(TESTS)
