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
#include <stdio.h>
#include <string.h>
#include <time.h>
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

/* The subtitle and <desc> text for a recording's metadata. */
void render_describe(const struct input_meta *m, char *sub, size_t subsz,
		     char *desc, size_t descsz)
{
	char date[40] = "", dur[32] = "", rate[32] = "", pid[32] = "";
	time_t t = (time_t)m->start_time;
	struct tm tm;

	if (m->start_time && gmtime_r(&t, &tm))
		strftime(date, sizeof date, "%Y-%m-%d %H:%M:%S UTC", &tm);
	snprintf(dur, sizeof dur, "%.1f s", (double)m->duration_ns / 1e9);
	if (m->freq)
		snprintf(rate, sizeof rate, "%llu Hz",
			 (unsigned long long)m->freq);
	if (m->pid)
		snprintf(pid, sizeof pid, "pid %u", m->pid);
	snprintf(sub, subsz, "%s%s%s%s%s%s%s%llu samples, %s%s%s%s%s",
		 m->command, m->command[0] ? " " : "",
		 pid[0] ? "(" : "", pid, pid[0] ? "), " : "",
		 rate, rate[0] ? ", " : "",
		 (unsigned long long)m->samples, dur,
		 date[0] ? ", " : "", date,
		 m->version[0] ? ", flamer " : "", m->version);
	snprintf(desc, descsz,
		 "flamer recording\ncommand: %s\npid: %s\nrate: %s\n"
		 "duration: %s\nsamples: %llu\nlost: %llu\ndate: %s\n"
		 "host: %s\nflamer version: %s\ncomplete: %s\n",
		 m->command, pid[0] ? pid + 4 : "", rate, dur,
		 (unsigned long long)m->samples, (unsigned long long)m->lost,
		 date, m->host, m->version, m->complete ? "yes" : "no");
}

int cmd_svg(int argc, char **argv)
{
	struct render_cmd c;
	struct input_stats st;
	struct input_meta meta;
	struct flame *f = NULL;
	const char *name;
	char sub[512], desc[1024];
	int rc = render_parse_args(argc, argv, &c), fd = -1, err, partial = 0;

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
	if (fd == STDIN_FILENO && isatty(fd))
		fl_note(argv[0], "reading collapsed stacks from stdin (the "
			"terminal; end with Ctrl-D), or give a file: flamer svg "
			"flamer.data > out.svg");
	f = flame_new(&c.fo);
	if (!f) {
		fl_error_code(argv[0], -ENOMEM);
		goto out;
	}
	err = input_read_any(fd, name, add_line, f, &st, &meta);
	if (err == -FE_TRUNCATED && st.lines) {
		fl_warn(argv[0], "%s: recording is truncated or damaged: the "
			"graph has the samples before the damage", name);
		partial = 1;
	} else if (err) {
		fl_error(argv[0], "%s: %s", name, flamer_strerror(err));
		goto out;
	}
	if (meta.is_recording) {
		render_describe(&meta, sub, sizeof sub, desc, sizeof desc);
		if (!c.fo.subtitle)
			c.fo.subtitle = sub;
		c.fo.recording = desc;
		flame_set_text(f, c.fo.subtitle, c.fo.recording);
		if (!st.lines) {
			fl_error(argv[0], "%s: the recording has no samples",
				 name);
			goto out;
		}
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
	if (rc == FLAMER_EXIT_OK && partial)
		rc = FLAMER_EXIT_PARTIAL;
out:
	if (fd > STDIN_FILENO)
		close(fd);
	flame_free(f);
	return rc;
}
