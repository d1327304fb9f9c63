/* input.h - reading collapsed stacks line by line with bounded memory. */
#ifndef FLAMER_RENDER_INPUT_H
#define FLAMER_RENDER_INPUT_H

#include "../common/folded.h"

#include <stddef.h>

/* Lines longer than this are skipped as malformed without being held in
 * memory whole. */
#define INPUT_LINE_MAX (16u << 20)

struct input_stats {
	size_t lines;     /* parsed lines (blank lines are not counted) */
	size_t malformed; /* skipped lines */
};

/* Called for every well-formed line; a non-zero return stops reading and
 * is returned by input_read(). */
typedef int (*input_fn)(const struct folded_line *fl, void *arg);

/* input_read - read fd to its end, calling fn for each well-formed line.
 * Blank lines are ignored; malformed ones and lines over INPUT_LINE_MAX are
 * counted in st->malformed.  Returns 0, a negative errno from read or
 * -ENOMEM, or what fn returned. */
int input_read(int fd, input_fn fn, void *arg, struct input_stats *st);

#endif
