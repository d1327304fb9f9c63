/* pypend.h - pairs the CPython frames the BPF program read at a sample
 * (EV_PYSTACK, source_bpf.c) with the perf sample of the same tick.
 *
 * The merge delivers a record before its sample (source_bpf.c shifts
 * records PYSTACK_SHIFT_NS earlier); pypend_put keeps it (copied), and
 * pypend_take gives it to the sample of the same tid whose time is at most
 * PYSTACK_SHIFT_NS before the record's and whose ip and period are the
 * record's.  A record is given at most once and never to another sample;
 * records older than a sample of their thread are dropped.  Holds 8
 * records per set of tids (tid % 1024), the oldest replaced. */
#ifndef FLAMER_PROFILER_PYPEND_H
#define FLAMER_PROFILER_PYPEND_H

#include "event.h"

struct pypend;

/* An empty table (owned by the caller: pypend_free), or NULL (ENOMEM). */
struct pypend *pypend_new(void);
void pypend_free(struct pypend *p); /* NULL is accepted */

/* Keeps EV_PYSTACK ev (its frames copied).  0 or -ENOMEM. */
int pypend_put(struct pypend *p, const struct event *ev);

/* The record of EV_SAMPLE ev, taken out of the table, or NULL.  Borrowed
 * until the next pypend_put. */
const struct ev_pystack *pypend_take(struct pypend *p, const struct event *ev);

#endif
