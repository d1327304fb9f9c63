#include "order.h"
#include "../common/vec.h"

#include <errno.h>
#include <stdlib.h>

struct slot {
	struct source src;
	struct event ev; /* the source's next event when has_ev */
	int has_ev, empty;
};

struct order {
	struct slot *slots;
	size_t n, cap;
	uint64_t limit;
};

struct order *order_new(void)
{
	return calloc(1, sizeof(struct order));
}

int order_add(struct order *o, struct source src)
{
	if (vec_reserve((void **)&o->slots, &o->cap, o->n + 1, sizeof *o->slots)) {
		src.ops->free(src.ctx);
		return -ENOMEM;
	}
	o->slots[o->n++] = (struct slot){ .src = src };
	return 0;
}

uint64_t order_last_limit(const struct order *o)
{
	return o->limit;
}

/* Makes sure slot s holds its source's next event (skipping EV_NONE);
 * returns whether it has one. */
static int fill(struct slot *s)
{
	while (!s->has_ev && !s->empty) {
		if (!s->src.ops->next(s->src.ctx, &s->ev)) {
			s->empty = 1;
			break;
		}
		if (s->ev.kind == EV_NONE)
			s->src.ops->consume(s->src.ctx);
		else
			s->has_ev = 1;
	}
	return s->has_ev;
}

int order_round(struct order *o, int drain, order_fn fn, void *ctx)
{
	uint64_t limit = UINT64_MAX;
	int count = 0, rc = 0;

	for (size_t i = 0; i < o->n; i++) {
		uint64_t t = o->slots[i].src.ops->begin(o->slots[i].src.ctx);

		if (t < limit)
			limit = t;
		o->slots[i].has_ev = o->slots[i].empty = 0;
	}
	if (drain)
		limit = UINT64_MAX;
	o->limit = limit;
	for (;;) {
		struct slot *best = NULL;

		for (size_t i = 0; i < o->n; i++) {
			struct slot *s = &o->slots[i];

			if (fill(s) && s->ev.time <= limit &&
			    (!best || s->ev.time < best->ev.time))
				best = s;
		}
		if (!best)
			break;
		rc = fn(ctx, &best->ev);
		best->src.ops->consume(best->src.ctx);
		best->has_ev = 0;
		count++;
		if (rc < 0)
			break;
	}
	for (size_t i = 0; i < o->n; i++)
		o->slots[i].src.ops->end(o->slots[i].src.ctx);
	return rc < 0 ? rc : count;
}

void order_free(struct order *o)
{
	if (!o)
		return;
	for (size_t i = 0; i < o->n; i++)
		o->slots[i].src.ops->free(o->slots[i].src.ctx);
	free(o->slots);
	free(o);
}
