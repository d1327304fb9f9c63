/* offcpu.c - pending off-CPU intervals, one per thread (offcpu.h). */
#include "offcpu.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

enum { NONE, SAMPLED, UNSAMPLED };

/* A switch record and the sample of the same switch are stamped within
 * this of each other (the sample is taken first, in __schedule). */
#define SAME_SWITCH_NS 200000

/* Intervals without a stack are shared among the stacks sampled within
 * the same window of a thread: at most this long, this many stacks. */
#define WINDOW_NS 1000000000ull
#define WINDOW_STACKS 32
/* ... and within two classes: waits shorter than this and the others, so
 * that one long unsampled wait is never spread over stacks that were only
 * seen in short waits (nor the reverse) */
#define LONG_NS 10000000ull

/* A stack sampled in the window with a period above 1: the unsampled
 * time it stands for, L * (P - 1) summed over its intervals. */
struct share {
	uint32_t *frames, n, flags, cpu;
	double extra_ns[2];       /* short, long */
};

struct pending {
	uint32_t tid, pid;
	int open;                 /* NONE, SAMPLED, UNSAMPLED */
	int dead;                 /* exited: its final switch is no wait */
	uint64_t t_out;           /* the open interval's start: its switch-out
				   * record, else its sample */
	uint64_t period;          /* SAMPLED: the switches it stands for */
	uint64_t last_in;         /* the last interval's end */
	int win;                  /* the window has begun */
	uint64_t win_start;
	uint64_t u_ns[2];         /* the window's intervals without a stack:
				   * short, long */
	struct share sh[WINDOW_STACKS];
	size_t nsh;
	struct rec_sample s;
	uint32_t *frames; /* REC_MAX_FRAMES, then as many locations */
};

struct offcpu {
	struct sink sink;
	uint32_t unsampled_id;
	struct pending **p;
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

static void shares_clear(struct pending *p)
{
	for (size_t i = 0; i < p->nsh; i++)
		free(p->sh[i].frames);
	p->nsh = 0;
}

void offcpu_free(struct offcpu *o)
{
	if (!o)
		return;
	for (size_t i = 0; i < o->n; i++) {
		shares_clear(o->p[i]);
		free(o->p[i]->frames);
		free(o->p[i]);
	}
	free(o->p);
	free(o);
}

/* The slot of tid (a linear scan: a target has tens of threads; -a will
 * want a hash).  NULL when absent and !create, or on ENOMEM. */
static struct pending *slot(struct offcpu *o, uint32_t tid, int create)
{
	struct pending *p;

	for (size_t i = 0; i < o->n; i++)
		if (o->p[i]->tid == tid)
			return o->p[i];
	if (!create)
		return NULL;
	if (o->n == o->cap) {
		size_t cap = o->cap ? 2 * o->cap : 16;
		struct pending **np = realloc(o->p, cap * sizeof *np);

		if (!np)
			return NULL;
		o->p = np;
		o->cap = cap;
	}
	p = calloc(1, sizeof *p);
	if (!p)
		return NULL;
	/* REC_MAX_FRAMES frames, then as many locations */
	p->frames = malloc(2 * REC_MAX_FRAMES * sizeof(uint32_t));
	if (!p->frames) {
		free(p);
		return NULL;
	}
	p->tid = tid;
	o->p[o->n++] = p;
	return p;
}

int offcpu_out(struct offcpu *o, const struct rec_sample *s, uint64_t period)
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
	/* the sample's locations (SAMPLE_LOCS) are borrowed too: kept */
	p->s.nlocs = s->nlocs <= n ? s->nlocs : 0;
	p->s.locs = p->frames + REC_MAX_FRAMES;
	if (p->s.nlocs)
		memcpy(p->frames + REC_MAX_FRAMES, s->locs,
		       p->s.nlocs * sizeof *p->frames);
	p->pid = s->pid;
	p->open = SAMPLED;
	p->t_out = s->time_ns;
	p->period = period ? period : 1;
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
	    time_ns - p->s.time_ns < SAME_SWITCH_NS) {
		/* the record of the sampled switch: the interval starts here,
		 * after the sample's own cost (its stack copy), which the
		 * unsampled intervals do not have */
		p->t_out = time_ns;
		return 0;
	}
	if (p->open)
		o->st.unmatched++;
	p->open = UNSAMPLED;
	p->pid = pid;
	p->t_out = time_ns;
	return 0;
}

static int emit(struct offcpu *o, struct pending *p, uint64_t time_ns,
		uint32_t cpu, uint32_t flags, uint64_t us, uint32_t n,
		const uint32_t *frames)
{
	struct rec_sample s = { 0 };

	if (!us)
		return 0;
	s.time_ns = time_ns;
	s.pid = p->pid;
	s.tid = p->tid;
	s.cpu = cpu;
	s.flags = flags | REC_SF_OFFCPU;
	s.weight = us;
	s.n = n;
	s.frames = frames;
	o->st.total_us += us;
	return o->sink.ops->sample(o->sink.ctx, &s);
}

/* Ends p's window at time_ns: its time without a stack goes to the stacks
 * sampled in it, in proportion to the unsampled time each stands for
 * (interval length * (period - 1)); the shares add up to that time
 * exactly.  With no such stack it goes to the marker frame. */
static int window_end(struct offcpu *o, struct pending *p, uint64_t time_ns)
{
	int err = 0;

	for (int c = 0; c < 2 && !err; c++) {
		uint64_t us = (p->u_ns[c] + 500) / 1000, given = 0, upto;
		double sum = 0, cum = 0;

		for (size_t i = 0; i < p->nsh; i++)
			sum += p->sh[i].extra_ns[c];
		if (us && sum > 0) {
			for (size_t i = 0; i < p->nsh && !err; i++) {
				if (p->sh[i].extra_ns[c] <= 0)
					continue;
				cum += p->sh[i].extra_ns[c];
				upto = (uint64_t)((double)us * (cum / sum) + 0.5);
				if (upto > us)
					upto = us;
				err = emit(o, p, time_ns, p->sh[i].cpu,
					   p->sh[i].flags | REC_SF_OFFCPU_SHARE,
					   upto - given, p->sh[i].n,
					   p->sh[i].frames);
				given = upto;
			}
			o->st.shared_us += us;
		} else if (us) {
			o->st.marker_us += us;
			err = emit(o, p, time_ns, 0, 0, us, 1, &o->unsampled_id);
		}
		p->u_ns[c] = 0;
	}
	shares_clear(p);
	p->win = 0;
	return err;
}

/* The sampled interval in p->s, ns long, stood for p->period - 1
 * intervals without a stack as well. */
static int share_add(struct offcpu *o, struct pending *p, uint64_t ns,
		     uint64_t time_ns)
{
	double extra = (double)ns * (double)(p->period - 1);
	int c = ns >= LONG_NS;
	uint32_t flags = p->s.flags & ~(uint32_t)REC_SF_OFFCPU;
	struct share *sh;
	int err;

	for (size_t i = 0; i < p->nsh; i++) {
		sh = &p->sh[i];
		if (sh->n == p->s.n && sh->flags == flags &&
		    !memcmp(sh->frames, p->s.frames, p->s.n * sizeof *p->s.frames)) {
			sh->extra_ns[c] += extra;
			return 0;
		}
	}
	if (p->nsh == WINDOW_STACKS) {
		err = window_end(o, p, time_ns);
		if (err)
			return err;
		p->win = 1;
		p->win_start = time_ns;
	}
	sh = &p->sh[p->nsh];
	sh->frames = malloc((p->s.n ? p->s.n : 1) * sizeof *sh->frames);
	if (!sh->frames)
		return -ENOMEM;
	memcpy(sh->frames, p->s.frames, p->s.n * sizeof *sh->frames);
	sh->n = p->s.n;
	sh->flags = flags;
	sh->cpu = p->s.cpu;
	sh->extra_ns[c] = extra;
	sh->extra_ns[!c] = 0;
	p->nsh++;
	return 0;
}

static int close_one(struct offcpu *o, struct pending *p, uint64_t time_ns)
{
	uint64_t ns = time_ns > p->t_out ? time_ns - p->t_out : 0;
	int err = 0;

	/* an interval that starts past its window's span begins a new one */
	if (p->win && p->t_out - p->win_start >= WINDOW_NS) {
		err = window_end(o, p, p->t_out);
		if (err)
			return err;
	}
	if (!p->win) {
		p->win = 1;
		p->win_start = p->t_out;
	}
	o->st.intervals++;
	p->last_in = time_ns;
	if (p->open == UNSAMPLED) {
		p->open = NONE;
		p->u_ns[ns >= LONG_NS] += ns;
		o->st.unsampled++;
	} else {
		p->open = NONE;
		p->s.weight = (ns + 500) / 1000;
		p->s.flags |= REC_SF_OFFCPU;
		o->st.total_us += p->s.weight;
		err = o->sink.ops->sample(o->sink.ctx, &p->s);
		if (!err && p->period > 1)
			err = share_add(o, p, ns, time_ns);
	}
	if (!err && time_ns - p->win_start >= WINDOW_NS)
		err = window_end(o, p, time_ns);
	return err;
}

int offcpu_in(struct offcpu *o, uint32_t tid, uint64_t time_ns)
{
	struct pending *p = slot(o, tid, 0);

	if (!p || !p->open)
		return 0;
	return close_one(o, p, time_ns);
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
	return window_end(o, p, p->last_in);
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
		if (o->p[i]->open) {
			o->p[i]->open = NONE;
			o->st.unmatched++;
		}
}

int offcpu_flush(struct offcpu *o, uint64_t time_ns,
		 int (*alive)(uint32_t pid, uint32_t tid))
{
	int err = 0;

	for (size_t i = 0; i < o->n && !err; i++) {
		struct pending *p = o->p[i];

		if (p->open && alive && !alive(p->pid, p->tid)) {
			/* gone, its exit not seen (records lost): when it
			 * ended is unknown */
			p->open = NONE;
			o->st.unmatched++;
		}
		if (p->open)
			err = close_one(o, o->p[i], time_ns);
		if (!err)
			err = window_end(o, o->p[i], time_ns);
	}
	return err;
}

const struct offcpu_stats *offcpu_stats(const struct offcpu *o)
{
	return &o->st;
}
