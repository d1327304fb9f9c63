/* A perf ring as a source: ring.h's protocol plus decode.h. */
#include "source.h"
#include "decode.h"
#include "ring.h"

#include <errno.h>
#include <stdlib.h>
#include <time.h>

struct perf_src {
	struct ring *ring;
	struct decode_layout layout;
};

static uint64_t corrupt_records;

uint64_t source_perf_corrupt(void)
{
	return corrupt_records;
}

static uint64_t perf_begin(void *ctx)
{
	struct perf_src *s = ctx;
	struct timespec t;

	/* the clock first, the head after: a record stamped before the
	 * clock reading is complete in the ring when the head is read (the
	 * kernel writes a record in the context that stamps it) */
	clock_gettime(CLOCK_MONOTONIC, &t);
	ring_begin(s->ring);
	return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

static int perf_next(void *ctx, struct event *ev)
{
	struct perf_src *s = ctx;
	const struct perf_event_header *h = ring_next(s->ring);

	if (!h)
		return 0;
	if (decode_record(&s->layout, h, h->size, ev))
		corrupt_records++; /* ev->kind is EV_NONE */
	return 1;
}

static void perf_consume(void *ctx)
{
	ring_consume(((struct perf_src *)ctx)->ring);
}

static void perf_end(void *ctx)
{
	ring_end(((struct perf_src *)ctx)->ring);
}

static const struct source_ops perf_ops = {
	perf_begin, perf_next, perf_consume, perf_end, free,
};

int source_perf_new(struct ring *r, const struct decode_layout *l,
		    struct source *out)
{
	struct perf_src *s = malloc(sizeof *s);

	if (!s)
		return -ENOMEM;
	s->ring = r;
	s->layout = *l;
	out->ops = &perf_ops;
	out->ctx = s;
	return 0;
}
