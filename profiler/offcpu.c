/* offcpu.c - pending off-CPU intervals, one per thread (offcpu.h). */
#include "offcpu.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct pending {
	uint32_t tid;
	int open;
	struct rec_sample s;
	uint32_t *frames; /* REC_MAX_FRAMES */
};

struct offcpu {
	struct sink sink;
	struct pending *p;
	size_t n, cap;
	struct offcpu_stats st;
};

struct offcpu *offcpu_new(struct sink sink)
{
	struct offcpu *o = calloc(1, sizeof *o);

	if (o)
		o->sink = sink;
	return o;
}

void offcpu_free(struct offcpu *o)
{
	if (!o)
		return;
	for (size_t i = 0; i < o->n; i++)
		free(o->p[i].frames);
	free(o->p);
	free(o);
}

/* The slot of tid (a linear scan: a target has tens of threads; -a will
 * want a hash).  NULL when absent and !create, or on ENOMEM. */
static struct pending *slot(struct offcpu *o, uint32_t tid, int create)
{
	for (size_t i = 0; i < o->n; i++)
		if (o->p[i].tid == tid)
			return &o->p[i];
	if (!create)
		return NULL;
	if (o->n == o->cap) {
		size_t cap = o->cap ? 2 * o->cap : 16;
		struct pending *np = realloc(o->p, cap * sizeof *np);

		if (!np)
			return NULL;
		o->p = np;
		o->cap = cap;
	}
	memset(&o->p[o->n], 0, sizeof o->p[0]);
	o->p[o->n].frames = malloc(REC_MAX_FRAMES * sizeof(uint32_t));
	if (!o->p[o->n].frames)
		return NULL;
	o->p[o->n].tid = tid;
	return &o->p[o->n++];
}

int offcpu_out(struct offcpu *o, const struct rec_sample *s)
{
	struct pending *p = slot(o, s->tid, 1);
	uint32_t n = s->n < REC_MAX_FRAMES ? s->n : REC_MAX_FRAMES;

	if (!p)
		return -ENOMEM;
	if (p->open)
		o->st.unmatched++;
	p->s = *s;
	p->s.n = n;
	memcpy(p->frames, s->frames, n * sizeof *p->frames);
	p->s.frames = p->frames;
	p->open = 1;
	return 0;
}

static int close_one(struct offcpu *o, struct pending *p, uint64_t time_ns)
{
	uint64_t ns = time_ns > p->s.time_ns ? time_ns - p->s.time_ns : 0;

	p->open = 0;
	p->s.weight = (ns + 500) / 1000;
	p->s.flags |= REC_SF_OFFCPU;
	o->st.intervals++;
	o->st.total_us += p->s.weight;
	return o->sink.ops->sample(o->sink.ctx, &p->s);
}

int offcpu_in(struct offcpu *o, uint32_t tid, uint64_t time_ns)
{
	struct pending *p = slot(o, tid, 0);

	if (!p || !p->open)
		return 0;
	return close_one(o, p, time_ns);
}

void offcpu_exit(struct offcpu *o, uint32_t tid)
{
	struct pending *p = slot(o, tid, 0);

	if (p && p->open) {
		p->open = 0;
		o->st.unmatched++;
	}
}

int offcpu_flush(struct offcpu *o, uint64_t time_ns)
{
	int err = 0;

	for (size_t i = 0; i < o->n && !err; i++)
		if (o->p[i].open)
			err = close_one(o, &o->p[i], time_ns);
	return err;
}

const struct offcpu_stats *offcpu_stats(const struct offcpu *o)
{
	return &o->st;
}
