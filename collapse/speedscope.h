/* speedscope.h - writes a fold as a speedscope JSON file.
 *
 * Format: https://www.speedscope.app/file-format-schema.json.  One
 * "sampled" profile per group (a flamer recording has one per thread) or,
 * when the fold has no groups, one per root frame (process); each unique
 * stack is one sample with its weight.  Names are JSON-escaped, invalid
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
