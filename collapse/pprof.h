/* pprof.h - writes a fold as a gzip-compressed pprof profile.proto.
 *
 * One sample per unique stack, one location and function per unique frame
 * name, a single sample type ("samples", "count") whose values are the
 * weights rounded to integers.  Encoded with protobuf-c from the schema in
 * collapse/pprof/profile.proto, compressed with zlib.
 */
#ifndef FLAMER_COLLAPSE_PPROF_H
#define FLAMER_COLLAPSE_PPROF_H

#include <stdio.h>

#include "fold.h"

/* Returns 0 or a negative errno. */
int pprof_write(const struct fold *f, FILE *out);

#endif
