/* pprof.h - writes a fold as a gzip-compressed pprof profile.proto.
 *
 * One sample per unique stack (per location stack when the fold has code
 * locations: addresses, mappings, file:line), thread/pid/tid labels.
 * Sample types: samples/count, then for a recording (which has a sampling
 * period) cpu/nanoseconds, and when the fold holds off-CPU entries
 * (RECFOLD_SPLIT) off_cpu/nanoseconds and wall/nanoseconds.  Encoded with
 * protobuf-c from the schema in collapse/pprof/profile.proto, compressed
 * with zlib.
 */
#ifndef FLAMER_COLLAPSE_PPROF_H
#define FLAMER_COLLAPSE_PPROF_H

#include <stdio.h>

#include "fold.h"

/* Which sample type a viewer shows first (default_sample_type). */
enum pprof_view { PPROF_CPU, PPROF_OFFCPU, PPROF_WALL };

/* Returns 0 or a negative errno: -ENODATA when view is not PPROF_CPU and
 * the fold has no off-CPU entries. */
int pprof_write(const struct fold *f, enum pprof_view view, FILE *out);

#endif
