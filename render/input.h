/* input.h - reading collapsed stacks line by line with bounded memory. */
#ifndef FLAMER_RENDER_INPUT_H
#define FLAMER_RENDER_INPUT_H

#include "../common/folded.h"

#include <stddef.h>
#include <stdint.h>

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

/* Same, with the first n bytes of the input already read into pre
 * (borrowed); fd < 0: pre is the whole input (EOF was seen: a terminal's
 * EOF is not sticky, so it is not read again). */
int input_read_pre(int fd, const char *pre, size_t n, input_fn fn,
		   void *arg, struct input_stats *st);

/* What a flamer recording says about itself (render/recinput.c); strings
 * are NUL-terminated, cut to fit, "" when the recording lacks them. */
struct input_meta {
	int is_recording;
	char command[256], version[32], host[64];
	uint32_t pid;
	uint64_t freq, start_time; /* Hz; seconds since the epoch */
	uint64_t duration_ns;      /* COUNT duration-ns, else the last sample */
	uint64_t samples, lost;
	int complete;              /* an END record was seen */
};

/* input_read_any - read fd (named name) as collapsed stacks or, when it
 * starts with a recording's magic, as a flamer recording folded the way
 * `flamer collapse` folds it (every (thread, stack) pair is passed to fn;
 * equal stacks of different threads come separately).  meta may be NULL;
 * meta->is_recording says which it was.  Returns like input_read(), or
 * -FE_TRUNCATED after passing every sample before a recording's cut, or
 * the reader's error (-FE_CORRUPT, ...). */
int input_read_any(int fd, const char *name, input_fn fn, void *arg,
		   struct input_stats *st, struct input_meta *meta);

#endif
