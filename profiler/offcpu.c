/* offcpu.c - pending off-CPU intervals, one per thread (offcpu.h). */
#include "offcpu.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

enum { NONE, SAMPLED, UNSAMPLED };

/* A switch record and the sample of the same switch are stamped within
 * this of each other (the sample is taken first, in __schedule). */
#define SAME_SWITCH_NS 200000

struct pending {
	uint32_t tid, pid;
	int open;                 /* NONE, SAMPLED, UNSAMPLED */
	int dead;                 /* exited: its final switch is no wait */
	uint64_t t_out;           /* UNSAMPLED: switch-out time */
	uint64_t unsampled_ns;    /* closed intervals without a stack */
	struct rec_sample s;
	uint32_t *frames; /* REC_MAX_FRAMES */
};

struct offcpu {
	struct sink sink;
	uint32_t unsampled_id;
	struct pending *p;
	size_t n, cap;
	struct offcpu_stats st;
};

struct offcpu *offcpu_new(struct sink sink, uint32_t unsampled_id)
{
	struct offcpu *o = calloc(1, sizeof *o);

	if (o) {
		o->sink = sink;
		o->unsampled_id = unsampled_id;
	}
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
	if (p->dead)
		return 0;
	if (p->open)
		o->st.unmatched++;
	p->s = *s;
	p->s.n = n;
	memcpy(p->frames, s->frames, n * sizeof *p->frames);
	p->s.frames = p->frames;
	p->pid = s->pid;
	p->open = SAMPLED;
	return 0;
}

int offcpu_switch_out(struct offcpu *o, uint32_t pid, uint32_t tid,
		      uint64_t time_ns)
{
	struct pending *p = slot(o, tid, 1);

	if (!p)
		return -ENOMEM;
	if (p->dead)
		return 0;
	if (p->open == SAMPLED && time_ns >= p->s.time_ns &&
	    time_ns - p->s.time_ns < SAME_SWITCH_NS)
		return 0; /* the record of the sampled switch */
	if (p->open)
		o->st.unmatched++;
	p->open = UNSAMPLED;
	p->pid = pid;
	p->t_out = time_ns;
	return 0;
}

static int close_one(struct offcpu *o, struct pending *p, uint64_t time_ns)
{
	uint64_t ns;

	if (p->open == UNSAMPLED) {
		ns = time_ns > p->t_out ? time_ns - p->t_out : 0;
		p->open = NONE;
		p->unsampled_ns += ns;
		o->st.intervals++;
		o->st.unsampled++;
		return 0;
	}
	ns = time_ns > p->s.time_ns ? time_ns - p->s.time_ns : 0;
	p->open = NONE;
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

/* The thread's intervals without a stack, as one sample. */
static int write_unsampled(struct offcpu *o, struct pending *p,
			   uint64_t time_ns)
{
	struct rec_sample s = { 0 };

	if (!p->unsampled_ns)
		return 0;
	s.time_ns = time_ns;
	s.pid = p->pid;
	s.tid = p->tid;
	s.flags = REC_SF_OFFCPU;
	s.weight = (p->unsampled_ns + 500) / 1000;
	s.n = 1;
	s.frames = &o->unsampled_id;
	o->st.total_us += s.weight;
	p->unsampled_ns = 0;
	return o->sink.ops->sample(o->sink.ctx, &s);
}

int offcpu_exit(struct offcpu *o, uint32_t tid)
{
	struct pending *p = slot(o, tid, 1);

	if (!p)
		return -ENOMEM;
	p->dead = 1;
	if (p->open) {
		p->open = NONE;
		o->st.unmatched++;
	}
	return write_unsampled(o, p, p->t_out);
}

void offcpu_fork(struct offcpu *o, uint32_t tid)
{
	struct pending *p = slot(o, tid, 0);

	if (p)
		p->dead = 0;
}

void offcpu_lost(struct offcpu *o)
{
	for (size_t i = 0; i < o->n; i++)
		if (o->p[i].open) {
			o->p[i].open = NONE;
			o->st.unmatched++;
		}
}

int offcpu_flush(struct offcpu *o, uint64_t time_ns)
{
	int err = 0;

	for (size_t i = 0; i < o->n && !err; i++) {
		if (o->p[i].open)
			err = close_one(o, &o->p[i], time_ns);
		if (!err)
			err = write_unsampled(o, &o->p[i], time_ns);
	}
	return err;
}

const struct offcpu_stats *offcpu_stats(const struct offcpu *o)
{
	return &o->st;
}
