/* order.h - events from several sources, delivered in time order.
 *
 * The ordering rule (perf's "ordered events", without the copying): in
 * one round every source is begun; the round's limit is the oldest of the
 * sources' latest times (source.h: every event stamped at or before it is
 * visible).  Events stamped at or before the limit are delivered oldest
 * first by a k-way merge over the sources' next events; later ones stay
 * in their source for the next round.  Each source is in time order by
 * itself (a perf ring is per CPU), so the merge needs no queue: an event
 * is decoded in place, delivered, then consumed, and nothing is copied —
 * a 32 KiB stack copy stays in the ring until it has been unwound.  At the
 * end of a recording (drain) the limit is lifted.
 *
 * Ties keep source order.  An event with time 0 (no timestamp) goes first.
 */
#ifndef FLAMER_PROFILER_ORDER_H
#define FLAMER_PROFILER_ORDER_H

#include <stdint.h>

#include "event.h"
#include "source.h"

struct order;

/* An empty merger (owned by the caller) or NULL on ENOMEM. */
struct order *order_new(void);

/* Adds a source; the merger owns it from now on (freed by order_free,
 * also when this fails).  0 or -ENOMEM. */
int order_add(struct order *o, struct source src);

/* Receives each event; ev is valid for the call only.  0 to go on,
 * negative to stop the round (order_round returns it). */
typedef int (*order_fn)(void *ctx, const struct event *ev);

/* One round (see above); drain lifts the limit.  Returns the number of
 * events delivered, or fn's negative code. */
int order_round(struct order *o, int drain, order_fn fn, void *ctx);

/* The limit of the last round (for tests and diagnostics). */
uint64_t order_last_limit(const struct order *o);

void order_free(struct order *o); /* NULL is accepted */

#endif
