/* speedscope.h - writes a fold as a speedscope JSON file.
 *
 * Format: https://www.speedscope.app/file-format-schema.json.  When the
 * fold kept its samples in recording order (a recording, see
 * recfold_opts.timeline): one "sampled" profile per thread, its samples
 * in time order, each weighing the CPU time it stands for (unit
 * "nanoseconds": the sampling period; "none" and the sample's weight when
 * the rate is unknown).  Otherwise one profile per group or, when the fold
 * has no groups, one per root frame (process); each unique stack is one
 * sample with its weight (unit "none").  Names are JSON-escaped, invalid
 * UTF-8 is replaced by U+FFFD.
 */
#ifndef FLAMER_COLLAPSE_SPEEDSCOPE_H
#define FLAMER_COLLAPSE_SPEEDSCOPE_H

#include <stdio.h>

#include "fold.h"

/* name: the file's title (e.g. the input path).  Returns 0 or a negative
 * errno. */
int speedscope_write(const struct fold *f, const char *name, FILE *out);

/* Writes s[0..n) as a JSON string literal (with quotes). */
void speedscope_json_string(FILE *out, const char *s, size_t n);

#endif
