/* flamer svg [OPTIONS] [FILE]: collapsed stacks to an interactive SVG. */
#include "../commands.h"
#include "../common/error.h"
#include "../common/log.h"
#include "flame.h"
#include "input.h"
#include "options.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <string.h>
#include <unistd.h>

static int add_line(const struct folded_line *fl, void *arg)
{
	struct flame *f = arg;

	if (fl->has_count2)
		return flame_add(f, fl->stack, fl->stack_len, fl->count2,
				 fl->count, 1);
	return flame_add(f, fl->stack, fl->stack_len, fl->count, 0, 0);
}

/* Opens path for reading ("-" or NULL: stdin); prints the error. */
int render_open_input(const char *cmd, const char *path)
{
	int fd;

	if (!path || !strcmp(path, "-"))
		return STDIN_FILENO;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		fl_error(cmd, "%s: %s", path, strerror(errno));
	return fd;
}

/* Reports what input_read() skipped or cut; 0 or FLAMER_EXIT_FAIL. */
int render_report_input(const char *cmd, const char *name,
			const struct input_stats *st, struct flame *f)
{
	if (st->malformed)
		fl_warn(cmd, "%s: skipped %zu malformed line%s", name,
			st->malformed, st->malformed == 1 ? "" : "s");
	if (f && flame_truncated_stacks(f))
		fl_warn(cmd, "%zu stack%s deeper than %d frames cut at "
			"[truncated]", flame_truncated_stacks(f),
			flame_truncated_stacks(f) == 1 ? "" : "s",
			FLAME_MAX_DEPTH - 1);
	if (!st->lines) {
		fl_error(cmd, "%s: no stacks in input", name);
		return FLAMER_EXIT_FAIL;
	}
	return 0;
}

int cmd_svg(int argc, char **argv)
{
	struct render_cmd c;
	struct input_stats st;
	struct flame *f = NULL;
	const char *name;
	int rc = render_parse_args(argc, argv, &c), fd = -1, err;

	if (rc >= 0)
		return rc;
	if (c.nargs > 1) {
		fl_error(argv[0], "one input file at most (try --help)");
		return FLAMER_EXIT_USAGE;
	}
	name = c.nargs ? c.args[0] : "stdin";
	rc = FLAMER_EXIT_FAIL;
	fd = render_open_input(argv[0], c.nargs ? c.args[0] : NULL);
	if (fd < 0)
		goto out;
	f = flame_new(&c.fo);
	if (!f) {
		fl_error_code(argv[0], -ENOMEM);
		goto out;
	}
	err = input_read(fd, add_line, f, &st);
	if (err) {
		fl_error(argv[0], "%s: %s", name, flamer_strerror(err));
		goto out;
	}
	if (render_report_input(argv[0], name, &st, f))
		goto out;
	if (!(flame_total(f) > 0) || !isfinite(flame_total(f))) {
		fl_error(argv[0], "%s: %s", name, flame_total(f) > 0 ?
			 "counts add up beyond the range of a double" :
			 "all counts are zero");
		goto out;
	}
	rc = render_output(f, &c);
out:
	if (fd > STDIN_FILENO)
		close(fd);
	flame_free(f);
	return rc;
}
