/* Unit tests for profiler/events.c: how many samples of a ring wake the
 * recorder.  A sample is handled at most ~4 ms after it was taken on a
 * busy CPU (the deep-frame continuation and live interpreter reads need
 * it prompt), and at high frequency not per sample (each wake-up can
 * preempt the target). */
#include "check.h"

#include "../../profiler/events.h"

#include <stdint.h>

static uint32_t wake(uint64_t freq, bool prompt)
{
	struct events_config cfg = { .freq = freq, .prompt = prompt,
				     .unwind = UNWIND_AUTO, .stack_size = 8192,
				     .ring_pages = 64 };
	int err = 0;
	struct events *ev = events_new(&cfg, &err);
	uint32_t n;

	CHECK(ev != NULL);
	if (!ev)
		return 0;
	n = events_wake_samples(ev);
	/* the setter changes it for the events opened after it */
	events_set_prompt(ev, true);
	CHECK(events_wake_samples(ev) == 1);
	events_free(ev);
	return n;
}

static void test_low_frequency_wakes_per_sample(void)
{
	CHECK(wake(1, false) == 1);
	CHECK(wake(99, false) == 1);   /* the default */
	CHECK(wake(499, false) == 1);
}

static void test_high_frequency_bounds_the_delay(void)
{
	CHECK(wake(500, false) == 2);
	CHECK(wake(999, false) == 3);   /* 3 ms at 999 Hz */
	CHECK(wake(4999, false) == 19); /* 3.8 ms at 4999 Hz */
	CHECK(wake(1000000, false) <= 1000);
}

static void test_prompt_wakes_per_sample(void)
{
	CHECK(wake(99, true) == 1);
	CHECK(wake(4999, true) == 1);
}

#define TESTS(X)                                                            \
	X(test_low_frequency_wakes_per_sample)                              \
	X(test_high_frequency_bounds_the_delay)                             \
	X(test_prompt_wakes_per_sample)

CHECK_MAIN(TESTS)
