/* pypend.c - a BPF record (EV_PYSTACK) waits here, by tid, for the perf
 * sample of the same tick.  The kernel stamps the sample, then runs the program (same
 * overflow handler, same clock), so the record's time is a few
 * microseconds after the sample's; the BPF source shifts its events
 * PYSTACK_SHIFT_NS earlier so that the merge delivers a record before its
 * sample.  A sample takes the record of its thread stamped at most
 * PYSTACK_SHIFT_NS after it with its ip and period; a record left over
 * (its sample was lost) is never given to another sample. */
#include "pypend.h"
#include "../bpf/pystack.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

enum { PEND_SLOTS = 1024, PEND_WAYS = 8 };

struct pend_entry {
	uint32_t tid;           /* 0: empty */
	struct ev_pystack py;   /* frames point into buf */
	unsigned char *buf;
	size_t cap;
};

struct pypend {
	struct pend_entry e[PEND_SLOTS * PEND_WAYS];
};

struct pypend *pypend_new(void)
{
	return calloc(1, sizeof(struct pypend));
}

int pypend_put(struct pypend *pend, const struct event *ev)
{
	struct pend_entry *set = &pend->e[(ev->tid % PEND_SLOTS) * PEND_WAYS], *e = set;
	size_t len = ev->u.py.len;

	/* an empty way, else the oldest (its sample is long gone) */
	for (size_t i = 0; i < PEND_WAYS && e->tid; i++)
		if (!set[i].tid || set[i].py.real_time < e->py.real_time)
			e = &set[i];
	if (len > e->cap) {
		unsigned char *nb = realloc(e->buf, len);

		if (!nb)
			return -ENOMEM;
		e->buf = nb;
		e->cap = len;
	}
	if (len)
		memcpy(e->buf, ev->u.py.frames, len);
	e->tid = ev->tid;
	e->py = ev->u.py;
	e->py.frames = e->buf;
	return 0;
}

/* The record of sample ev's tick, or NULL; taken out of the table, with
 * the thread's records older than the sample (theirs were lost). */
const struct ev_pystack *pypend_take(struct pypend *pend,
					  const struct event *ev)
{
	struct pend_entry *set, *hit = NULL;

	if (!pend)
		return NULL;
	set = &pend->e[(ev->tid % PEND_SLOTS) * PEND_WAYS];
	for (size_t i = 0; i < PEND_WAYS; i++) {
		struct pend_entry *e = &set[i];

		if (e->tid != ev->tid)
			continue;
		if (e->py.real_time < ev->time)
			e->tid = 0;
		else if (!hit && e->py.real_time - ev->time < PYSTACK_SHIFT_NS &&
			 e->py.ip == ev->u.sample.ip &&
			 e->py.period == ev->u.sample.period)
			hit = e;
	}
	if (hit)
		hit->tid = 0;
	return hit ? &hit->py : NULL;
}

void pypend_free(struct pypend *pend)
{
	if (!pend)
		return;
	for (size_t i = 0; i < PEND_SLOTS * PEND_WAYS; i++)
		free(pend->e[i].buf);
	free(pend);
}

