/* Unit tests for the off-CPU intervals (profiler/offcpu.c): exact
 * intervals, the sharing of unsampled time among sampled stacks (the
 * default bound, docs/offcpu.md), the marker frame, lost records. */
#include "check.h"

#include "../../profiler/offcpu.h"

#include <stdlib.h>

#define MARK 99u

struct got {
	uint32_t tid, flags, n, first;
	uint64_t weight;
};

static struct got got[64];
static size_t ngot;

static int cap_sample(void *ctx, const struct rec_sample *s)
{
	(void)ctx;
	if (ngot < 64)
		got[ngot++] = (struct got){ s->tid, s->flags, s->n,
					    s->n ? s->frames[0] : 0, s->weight };
	return 0;
}

static const struct sink_ops cap_ops = { .sample = cap_sample };

/* Total weight of tid's samples whose leaf frame is first (0: any). */
static uint64_t total(uint32_t tid, uint32_t first, uint32_t flag)
{
	uint64_t t = 0;

	for (size_t i = 0; i < ngot; i++)
		if (got[i].tid == tid && (!first || got[i].first == first) &&
		    (!flag || (got[i].flags & flag)))
			t += got[i].weight;
	return t;
}

/* A switch-out of tid at t us with stack {leaf} sampled at period p:
 * the sample, then its switch record 1 us later. */
static void out_sampled(struct offcpu *o, uint32_t tid, uint64_t t_us,
			uint32_t leaf, uint64_t p)
{
	static uint32_t frames[1];
	struct rec_sample s = { 0 };

	frames[0] = leaf;
	s.time_ns = t_us * 1000;
	s.pid = 1;
	s.tid = tid;
	s.n = 1;
	s.frames = frames;
	CHECK(offcpu_out(o, &s, p) == 0);
	CHECK(offcpu_switch_out(o, 1, tid, t_us * 1000 + 1000) == 0);
}

static void test_exact(void)
{
	struct offcpu *o = offcpu_new((struct sink){ &cap_ops, NULL }, MARK);

	ngot = 0;
	/* period 1: every interval its own stack, from the switch record
	 * (after the sample's cost) to the switch-in */
	out_sampled(o, 7, 100, 5, 1);
	CHECK(offcpu_in(o, 7, 600 * 1000) == 0);
	CHECK(ngot == 1 && got[0].weight == 499 && got[0].first == 5 &&
	      (got[0].flags & REC_SF_OFFCPU) && !(got[0].flags & REC_SF_OFFCPU_SHARE));
	/* still open at the end: closed there */
	out_sampled(o, 7, 1000, 6, 1);
	CHECK(offcpu_flush(o, 3001 * 1000, NULL) == 0);
	CHECK(total(7, 6, 0) == 2000);
	CHECK(total(7, MARK, 0) == 0);
	offcpu_free(o);
}

static void test_shared(void)
{
	struct offcpu *o = offcpu_new((struct sink){ &cap_ops, NULL }, MARK);
	uint64_t t = 0;

	ngot = 0;
	/* period 4: stack 5 sampled once (100 us), stack 6 once (300 us),
	 * and 6 intervals without a stack, 200 us each (1200 us) */
	out_sampled(o, 8, t, 5, 4);
	CHECK(offcpu_in(o, 8, (t + 101) * 1000) == 0);
	t += 200;
	out_sampled(o, 8, t, 6, 4);
	CHECK(offcpu_in(o, 8, (t + 301) * 1000) == 0);
	t += 400;
	for (int i = 0; i < 6; i++, t += 300) {
		CHECK(offcpu_switch_out(o, 1, 8, t * 1000) == 0);
		CHECK(offcpu_in(o, 8, (t + 200) * 1000) == 0);
	}
	CHECK(offcpu_flush(o, t * 1000, NULL) == 0);
	/* exact per thread: 100 + 300 + 1200 */
	CHECK(total(8, 0, 0) == 1600);
	/* shared in proportion to length * (period - 1): 1 : 3 */
	CHECK(total(8, 5, REC_SF_OFFCPU_SHARE) == 300);
	CHECK(total(8, 6, REC_SF_OFFCPU_SHARE) == 900);
	CHECK(total(8, 5, 0) == 400 && total(8, 6, 0) == 1200);
	CHECK(total(8, MARK, 0) == 0);
	CHECK(offcpu_stats(o)->shared_us == 1200);
	offcpu_free(o);
}

static void test_marker_and_lost(void)
{
	struct offcpu *o = offcpu_new((struct sink){ &cap_ops, NULL }, MARK);

	ngot = 0;
	/* intervals without a stack and no sampled stack of period > 1 in
	 * the window (a lost sample at period 1): the marker frame */
	out_sampled(o, 9, 0, 5, 1);
	CHECK(offcpu_in(o, 9, 51 * 1000) == 0);
	CHECK(offcpu_switch_out(o, 1, 9, 100 * 1000) == 0);
	CHECK(offcpu_in(o, 9, 400 * 1000) == 0);
	/* records lost: the open interval is dropped, not stretched */
	CHECK(offcpu_switch_out(o, 1, 9, 500 * 1000) == 0);
	offcpu_lost(o);
	CHECK(offcpu_in(o, 9, 900 * 1000) == 0);
	CHECK(offcpu_flush(o, 1000 * 1000, NULL) == 0);
	CHECK(total(9, 5, 0) == 50);
	CHECK(total(9, MARK, 0) == 300);
	CHECK(total(9, 0, 0) == 350);
	CHECK(offcpu_stats(o)->unmatched == 1);
	/* a window ends after 1 s: its shares go to its own stacks */
	ngot = 0;
	out_sampled(o, 10, 0, 5, 2);
	CHECK(offcpu_in(o, 10, 101 * 1000) == 0);
	CHECK(offcpu_switch_out(o, 1, 10, 200 * 1000) == 0);
	CHECK(offcpu_in(o, 10, 300 * 1000) == 0);
	out_sampled(o, 10, 1100000, 6, 2);  /* a new window */
	CHECK(offcpu_in(o, 10, 1100101 * 1000) == 0);
	CHECK(offcpu_switch_out(o, 1, 10, 1100200 * 1000) == 0);
	CHECK(offcpu_in(o, 10, 1100500 * 1000) == 0);
	CHECK(offcpu_flush(o, 1200000 * 1000, NULL) == 0);
	CHECK(total(10, 5, REC_SF_OFFCPU_SHARE) == 100);
	CHECK(total(10, 6, REC_SF_OFFCPU_SHARE) == 300);
	offcpu_free(o);
}

static int gone(uint32_t pid, uint32_t tid)
{
	(void)pid;
	return tid != 12;
}

static void test_classes(void)
{
	struct offcpu *o = offcpu_new((struct sink){ &cap_ops, NULL }, MARK);

	ngot = 0;
	/* short waits sampled at period 16 (stack 5), one long unsampled
	 * wait of 500 ms: it is not spread over the short waits' stack */
	out_sampled(o, 11, 0, 5, 16);
	CHECK(offcpu_in(o, 11, 101 * 1000) == 0);
	CHECK(offcpu_switch_out(o, 1, 11, 200 * 1000) == 0);
	CHECK(offcpu_in(o, 11, 300 * 1000) == 0);
	CHECK(offcpu_switch_out(o, 1, 11, 1000 * 1000) == 0);
	CHECK(offcpu_in(o, 11, 501000 * 1000) == 0);
	CHECK(offcpu_flush(o, 600000 * 1000, gone) == 0);
	CHECK(total(11, 5, REC_SF_OFFCPU_SHARE) == 100);
	CHECK(total(11, MARK, 0) == 500000);
	CHECK(total(11, 0, 0) == 500200);
	/* an interval open at the end of a thread that is gone (its exit
	 * record lost) is dropped, not stretched to the end */
	CHECK(offcpu_switch_out(o, 1, 12, 700000 * 1000) == 0);
	CHECK(offcpu_flush(o, 800000 * 1000, gone) == 0);
	CHECK(total(12, 0, 0) == 0);
	offcpu_free(o);
}

#define TESTS(X) X(test_exact) X(test_shared) X(test_marker_and_lost) \
	X(test_classes)
CHECK_MAIN(TESTS)
