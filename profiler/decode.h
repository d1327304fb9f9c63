/* decode.h - perf records to plain events (event.h).
 *
 * Pure code: no I/O, no state but the layout.  The layout of a record
 * follows from the perf_event_attr that produced it (sample_type,
 * sample_regs_user, sample_id_all), so it is given here rather than
 * assumed.  Records come from a ring other processes' activity fills:
 * every length is checked, a malformed record is reported, never trusted.
 */
#ifndef FLAMER_PROFILER_DECODE_H
#define FLAMER_PROFILER_DECODE_H

#include <stddef.h>
#include <stdint.h>

#include "event.h"

struct decode_layout {
	uint64_t sample_type;   /* PERF_SAMPLE_* bits */
	uint64_t regs_user;     /* sample_regs_user mask */
	int sample_id_all;      /* non-sample records carry a trailer */
	int offcpu;             /* samples are context switches: EV_OFFCPU */
	uint64_t offcpu_period; /* ... each standing for this many (their
				 * ev_sample.period) */
};

/* Decodes the record rec[0..len) (starting with its perf_event_header)
 * into *ev; ev borrows from rec.  Returns 0 (ev->kind EV_NONE for a record
 * type the recorder does not use) or -FE_CORRUPT for a malformed record. */
int decode_record(const struct decode_layout *l, const void *rec, size_t len,
		  struct event *ev);

#endif
