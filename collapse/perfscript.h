/* perfscript.h - folds `perf script` text into collapsed stacks.
 *
 * The output matches FlameGraph's `stackcollapse-perf.pl --kernel` (with
 * --pid/--tid when asked): process-name roots with spaces turned into "_",
 * offsets stripped, "[unknown]" frames named after their module, kernel
 * frames suffixed "_[k]", inlined frames ("a->b") "_[i]", each sample
 * weighted by the period perf printed (1 when none), only the first event
 * type kept, a sample counted when the blank line that ends it is seen.
 * docs/collapse.md lists the rules in full.
 *
 * Streaming: the parser keeps one sample's frames at a time; lines longer
 * than PERFSCRIPT_MAX_LINE drop their sample, stacks deeper than
 * PERFSCRIPT_MAX_FRAMES lose their outermost frames; both are counted.
 */
#ifndef FLAMER_COLLAPSE_PERFSCRIPT_H
#define FLAMER_COLLAPSE_PERFSCRIPT_H

#include <stddef.h>
#include <stdint.h>

#include "fold.h"

#define PERFSCRIPT_MAX_LINE (4u << 20)
#define PERFSCRIPT_MAX_FRAMES 65536u
#define PERFSCRIPT_MAX_STACK (16u << 20) /* bytes of one folded stack */

struct perfscript_opts {
	int pid;       /* root "comm-PID" */
	int tid;       /* root "comm-PID/TID" */
	int no_kernel; /* drop the frames that would get "_[k]" */
};

struct perfscript_stats {
	uint64_t samples;      /* added to the fold */
	uint64_t other_events; /* samples skipped: not the first event type */
	uint64_t unrecognized; /* lines that are neither header nor frame */
	uint64_t dropped;      /* samples dropped for an overlong line */
	uint64_t truncated;    /* samples whose stack was cut at the cap */
	char event[64];        /* the event kept ("" if none seen) */
	char other[64];        /* the first other event type skipped */
};

struct perfscript;

/* A parser adding to f (borrowed, must outlive the parser), or NULL when
 * out of memory.  opts may be NULL (defaults). */
struct perfscript *perfscript_new(struct fold *f,
				  const struct perfscript_opts *opts);
void perfscript_free(struct perfscript *p); /* NULL is accepted */

/* Feeds len bytes of text (any chunking).  Returns 0 or -ENOMEM. */
int perfscript_feed(struct perfscript *p, const char *buf, size_t len);

/* End of input.  Returns 0 or -ENOMEM. */
int perfscript_finish(struct perfscript *p);

void perfscript_get_stats(const struct perfscript *p,
			  struct perfscript_stats *s);

#endif
