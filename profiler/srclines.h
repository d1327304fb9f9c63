/* srclines.h - source lines of a recording's code locations, looked up
 * once sampling has stopped.
 *
 * While sampling, the stack builder gives each user address in a file
 * known by build-id a location (frames.h: module, file offset, frames),
 * which costs a table insert on a symbol-cache miss and nothing on a hit.
 * Looking its source line up there would cost libdw's line tables and,
 * for separate debug files (libc6-dbg), decompressing their sections,
 * in the middle of sampling: measured, enough to overflow the rings at a
 * Python target's start.  So lines are looked up here, after the last
 * sample, file by file, for the locations some written sample used, and
 * written as LINES records before END.  A recording cut before its end
 * (SIGKILL, a second Ctrl-C while lines are looked up) keeps its
 * locations without lines.
 */
#ifndef FLAMER_PROFILER_SRCLINES_H
#define FLAMER_PROFILER_SRCLINES_H

#include <signal.h>
#include <stdint.h>

#include "sink.h"

struct frames;
struct world;

struct srclines_stats {
	uint64_t locs;       /* locations used by samples */
	uint64_t with_lines; /* ... that got LINES */
	uint64_t files;      /* files opened */
	uint64_t files_gone; /* files not found again, or replaced */
	uint64_t mismatched; /* inline chain differs from the recorded frames */
	int stopped;         /* *stop was set: the rest has no lines */
};

/* Looks up the lines of the locations in f (their modules' files from w)
 * and writes them to sink (its lines op; none: nothing is done).  Stops
 * early when *stop becomes non-zero (a signal).  Fills *st.  0 or
 * negative (ENOMEM, a sink error). */
int srclines_write(const struct frames *f, const struct world *w,
		   struct sink sink, volatile sig_atomic_t *stop,
		   struct srclines_stats *st);

#endif
