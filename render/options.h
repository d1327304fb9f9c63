/* options.h - the command line shared by `flamer svg` and `flamer diff`. */
#ifndef FLAMER_RENDER_OPTIONS_H
#define FLAMER_RENDER_OPTIONS_H

#include "flame.h"

struct render_cmd {
	struct flame_opts fo;
	const char *out;   /* -o FILE, "-" = stdout */
	const char *palfile; /* --cp: palette file, NULL = none */
	char **args;       /* positional arguments (borrowed from argv) */
	int nargs;
};

/* render_parse_args - parse argv (argv[0] = subcommand name) into c.
 * Returns -1 to go on, or an exit code (FLAMER_EXIT_OK after --help,
 * FLAMER_EXIT_USAGE after printing a usage error). */
int render_parse_args(int argc, char **argv, struct render_cmd *c);

/* render_output - write the graph to c->out through common/outfile.h;
 * with --cp, colours come from and new ones go to c->palfile.  Prints any
 * error itself.  Returns an exit code. */
int render_output(struct flame *f, struct render_cmd *c);

struct input_stats;
struct input_meta;

/* render_describe - the subtitle ("CMD (pid N), 99 Hz, 120 samples, 1.2 s,
 * DATE, flamer V") and the <desc> text (one "key: value" a line) for a
 * recording's metadata, written NUL-terminated (cut to fit) into sub and
 * desc. */
void render_describe(const struct input_meta *m, char *sub, size_t subsz,
		     char *desc, size_t descsz);

/* render_open_input - open path for reading ("-" or NULL: stdin).  Returns
 * the fd or -1 after printing the error. */
int render_open_input(const char *cmd, const char *path);

/* render_report_input - warn about skipped lines and cut stacks (f may be
 * NULL); print "no stacks in input" and return FLAMER_EXIT_FAIL when st saw
 * no valid line, else 0. */
int render_report_input(const char *cmd, const char *name,
			const struct input_stats *st, struct flame *f);

#endif
