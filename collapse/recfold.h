/* recfold.h - folds a flamer recording into collapsed stacks.
 *
 * Frames come from FRAME records, named by kind: kernel "_[k]", inlined
 * "_[i]", JIT "_[j]", others as recorded; ";" in a name becomes ":" and
 * control bytes "?".  The root frame is the process name (PROC comm of the
 * sample's pid, else its thread's name, else "[pid N]"), spaces turned into
 * "_"; --pid makes it "comm-PID", --tid "comm-PID/TID" followed by a frame
 * with the thread name.  Names are resolved after the whole recording is
 * read, so a name recorded after the samples still applies (latest wins).
 * Every sample also lands in a group per thread (for speedscope).  META
 * frequency, start-time and event and COUNT duration-ns (or the last
 * sample's time) fill fold_info().
 */
#ifndef FLAMER_COLLAPSE_RECFOLD_H
#define FLAMER_COLLAPSE_RECFOLD_H

#include <stdint.h>

#include "fold.h"
#include "../recording/recreader.h"

/* Which samples a fold counts.  CPU (default): on-CPU samples, each
 * counting 1.  OFFCPU: the off-CPU intervals of a --off-cpu recording,
 * weighted in microseconds, each stack ending in a "[off-cpu]" frame.
 * WALL: both, in microseconds: an on-CPU sample counts its sampling
 * period (1e6 / the recording's frequency).  SPLIT: both, each in its own
 * unit (on-CPU samples count 1, off-CPU intervals microseconds), off-CPU
 * entries marked with fold_mark_offcpu: for pprof, which keeps them as
 * separate values. */
enum recfold_mode { RECFOLD_CPU, RECFOLD_OFFCPU, RECFOLD_WALL, RECFOLD_SPLIT };

/* Which frames of a sample with Python frames are kept.  FOLD (default):
 * the interpreter's call plumbing (collapse/plumbing.h) is left out of
 * merged samples (not of those flagged ambiguous or [invalid], whose
 * native frames are the evidence); NATIVE_ALL: every recorded frame;
 * PYTHON_ONLY: Python, kernel, [truncated] and [invalid] frames only.
 * Samples without Python frames always keep every frame. */
enum recfold_frames { RECFOLD_FOLD, RECFOLD_NATIVE_ALL, RECFOLD_PYTHON_ONLY };

struct recfold_opts {
	int pid, tid, no_kernel;
	/* A frame for the sample's Erlang process (SAMPLE_ERLANG) right
	 * under the root frame(s); not with locations. */
	int erlang_processes;
	enum recfold_mode mode;
	enum recfold_frames frames;
	int has_from, has_to;
	double from, to; /* seconds since the start: from <= t < to */
	/* Optional: called with every record before it is folded (for
	 * metadata, time-ordered samples, ...); a non-zero return stops
	 * the run and is returned.  hook_arg is passed through. */
	int (*hook)(const struct rec_record *rec, void *hook_arg);
	/* Keep every folded sample in recording order too (fold_samples(),
	 * for speedscope's time order): 24 bytes a sample. */
	int timeline;
	void *hook_arg;
	/* Keep code locations too (LOC/SAMPLE_LOCS; fold_loc_add,
	 * fold_add_locs), for pprof: samples of one stack at different
	 * addresses stay apart in the location stacks. */
	int locations;
};

struct recfold_stats {
	uint64_t samples;   /* folded */
	uint64_t filtered;  /* outside --from/--to */
	uint64_t offcpu;    /* off-CPU intervals in the recording */
	uint64_t lost;      /* samples the kernel dropped (LOST/END) */
	int complete;       /* an END record was seen */
};

/* Reads every record of r (borrowed) and adds the samples to f.  Returns 0,
 * or a negative error from the reader (-FE_TRUNCATED, -FE_CORRUPT, ...) or
 * -ENOMEM; on -FE_TRUNCATED and -FE_CORRUPT everything read before the
 * damage is in f.  stats may be NULL. */
int recfold_run(struct recreader *r, struct fold *f,
		const struct recfold_opts *o, struct recfold_stats *stats);

#endif
