/* source.h - where events come from: the pull protocol every source
 * follows.
 *
 * A round over one source is
 *   t = begin()      snapshot what is there; t is the source's "latest
 *                    time": every event stamped at or before t is visible
 *                    in this round (later ones may be too)
 *   next(&ev)        the oldest unconsumed event, decoded in place (ev
 *                    borrows from the source's buffer); the same event
 *                    again until consumed; 0 when none is left
 *   consume()        done with that event: what ev borrowed is gone
 *   end()            give the consumed space back (to the kernel)
 * Events of one source come in time order.  The ordering stage (order.h)
 * merges several sources by time.  Today's source is a perf ring per CPU
 * (source_perf.c); a BPF ring buffer source follows the same protocol.
 */
#ifndef FLAMER_PROFILER_SOURCE_H
#define FLAMER_PROFILER_SOURCE_H

#include <stdint.h>

#include "event.h"

struct source_ops {
	uint64_t (*begin)(void *ctx);
	/* 1 with *ev set, 0 when empty.  A record that cannot be decoded is
	 * returned as EV_NONE (and counted by the source). */
	int (*next)(void *ctx, struct event *ev);
	void (*consume)(void *ctx);
	void (*end)(void *ctx);
	void (*free)(void *ctx);
};

struct source {
	const struct source_ops *ops;
	void *ctx; /* owned by the source: ops->free releases it */
};

struct ring;
struct decode_layout;

/* A source reading a perf ring (borrowed: it must outlive the source) with
 * records laid out as l says (copied).  0 or -ENOMEM. */
int source_perf_new(struct ring *r, const struct decode_layout *l,
		    struct source *out);

struct pybpf;

/* A source reading the BPF program's ring buffer (bpf/pybpf.h; borrowed:
 * it must outlive the source): EV_PYSTACK events.  0 or -ENOMEM. */
int source_bpf_new(struct pybpf *b, struct source *out);

/* Records of the BPF source that could not be decoded. */
uint64_t source_bpf_corrupt(void);

/* Records of perf sources that could not be decoded (all sources). */
uint64_t source_perf_corrupt(void);

#endif
