/* flamer diff [OPTIONS] BEFORE AFTER: a differential flame graph of two
 * collapsed files.  BEFORE's counts are scaled so both totals match (as
 * difffolded.pl -n does); widths are AFTER's counts, colours the change. */
#include "../commands.h"
#include "../common/error.h"
#include "../common/intern.h"
#include "../common/log.h"
#include "flame.h"
#include "input.h"
#include "options.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <unistd.h>

struct both {
	struct intern *stacks;
	double *count[2];
	size_t cap;
	int side; /* 0 = before, 1 = after */
	double total[2];
	int partial; /* a side was a damaged recording */
};

static int grow(struct both *b, size_t need)
{
	size_t cap = b->cap ? b->cap : 1024;

	while (cap < need)
		cap *= 2;
	if (cap == b->cap)
		return 0;
	for (int s = 0; s < 2; s++) {
		double *p = realloc(b->count[s], cap * sizeof *p);

		if (!p)
			return -ENOMEM;
		for (size_t i = b->cap; i < cap; i++)
			p[i] = 0;
		b->count[s] = p;
	}
	b->cap = cap;
	return 0;
}

static int add_line(const struct folded_line *fl, void *arg)
{
	struct both *b = arg;
	double v = fl->has_count2 ? fl->count2 : fl->count;
	int64_t id = intern_add(b->stacks, fl->stack, fl->stack_len, NULL);

	if (id < 0 || grow(b, (size_t)id + 1))
		return -ENOMEM;
	b->count[b->side][id] += v;
	b->total[b->side] += v;
	return 0;
}

static int read_side(const char *cmd, const char *path, struct both *b)
{
	struct input_stats st;
	int fd = render_open_input(cmd, path), err;

	if (fd < 0)
		return FLAMER_EXIT_FAIL;
	err = input_read_any(fd, path, add_line, b, &st, NULL);
	if (fd > STDIN_FILENO)
		close(fd);
	if (err == -FE_TRUNCATED && st.lines) {
		fl_warn(cmd, "%s: recording is truncated or damaged: using the "
			"samples before the damage", path);
		b->partial = 1;
	} else if (err) {
		fl_error(cmd, "%s: %s", path, flamer_strerror(err));
		return FLAMER_EXIT_FAIL;
	}
	return render_report_input(cmd, path, &st, NULL);
}

/* Feeds every stack of both files to f, BEFORE scaled to AFTER's total. */
static int build(struct flame *f, const struct both *b)
{
	double scale = b->total[0] > 0 ? b->total[1] / b->total[0] : 0;
	size_t n = intern_count(b->stacks);

	for (size_t i = 0; i < n; i++) {
		size_t len;
		const char *s = intern_get(b->stacks, (uint32_t)i, &len);
		int err = flame_add(f, s, len, b->count[1][i],
				    b->count[0][i] * scale, 1);

		if (err)
			return err;
	}
	return 0;
}

int cmd_diff(int argc, char **argv)
{
	struct render_cmd c;
	struct both b = { 0 };
	struct flame *f = NULL;
	int rc = render_parse_args(argc, argv, &c), err;

	if (rc >= 0)
		return rc;
	if (c.nargs != 2) {
		fl_error(argv[0], "needs two files: BEFORE AFTER (try --help)");
		return FLAMER_EXIT_USAGE;
	}
	rc = FLAMER_EXIT_FAIL;
	b.stacks = intern_new();
	f = flame_new(&c.fo);
	if (!b.stacks || !f) {
		fl_error_code(argv[0], -ENOMEM);
		goto out;
	}
	for (b.side = 0; b.side < 2; b.side++)
		if (read_side(argv[0], c.args[b.side], &b))
			goto out;
	for (int s = 0; s < 2; s++) {
		if (!(b.total[s] > 0) || !isfinite(b.total[s])) {
			fl_error(argv[0], "%s: %s", c.args[s], b.total[s] > 0 ?
				 "counts add up beyond the range of a double" :
				 "all counts are zero");
			goto out;
		}
	}
	err = build(f, &b);
	if (err) {
		fl_error_code(argv[0], err);
		goto out;
	}
	rc = render_output(f, &c);
	if (rc == FLAMER_EXIT_OK && b.partial)
		rc = FLAMER_EXIT_PARTIAL;
out:
	flame_free(f);
	intern_free(b.stacks);
	free(b.count[0]);
	free(b.count[1]);
	return rc;
}
