/* folded.h - parsing one line of collapsed ("folded") stacks.
 *
 * The format is FlameGraph's: "frame;frame;frame COUNT" with the root frame
 * first, or "frame;...;frame COUNT1 COUNT2" for differential input.  Frame
 * names may contain spaces (e.g. "handler (app.py)"), so the counts are taken
 * from the end of the line.  Counts are non-negative decimal numbers, possibly
 * fractional ("12", "0.5", "1e3").
 */
#ifndef FLAMER_COMMON_FOLDED_H
#define FLAMER_COMMON_FOLDED_H

#include <stddef.h>

/* One parsed collapsed-stack line "a;b;c COUNT [COUNT2]". */
struct folded_line {
	const char *stack;  /* borrowed from the caller's line, not NUL-terminated */
	size_t stack_len;   /* > 0; trailing blanks are not included */
	double count;       /* >= 0, finite; may be fractional */
	double count2;      /* second column (differential input), else 0 */
	int has_count2;
};

/* folded_parse_line - parse line[0..len) (a trailing "\n" or "\r\n" is
 * allowed).  When the two last blank-separated fields are both numbers and a
 * non-empty stack remains before them, the line is differential: count is the
 * first of the two, count2 the second (as flamegraph.pl reads it).
 * Returns 0 and fills *out, or -FE_SYNTAX for a malformed line (no count,
 * negative/NaN/inf count, empty stack, NUL bytes); never reads past len.
 * *out is unspecified on error. */
int folded_parse_line(const char *line, size_t len, struct folded_line *out);

/* folded_parse_count - parse s[0..len) as a count: digits with an optional
 * fraction and exponent, finite and >= 0.  Returns 0 or -FE_SYNTAX. */
int folded_parse_count(const char *s, size_t len, double *out);

#endif
