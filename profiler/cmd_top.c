/* flamer top: the functions hot right now, refreshed every second. */
#include "../commands.h"
#include "../common/error.h"
#include "../common/log.h"
#include "../common/num.h"
#include "session.h"
#include "sink_top.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char top_usage[] =
	"usage: flamer top [OPTIONS] -p PID\n"
	"       flamer top [OPTIONS] -a\n"
	"\n"
	"Samples a running process (-p) or every process (-a) and shows, once\n"
	"a second, the functions with the highest self and total shares of the\n"
	"CPU samples of the last 5 seconds (self: the function was running;\n"
	"total: it was anywhere on the stack).  On a terminal the table is\n"
	"redrawn in place until Ctrl-C or -d; otherwise one plain-text\n"
	"snapshot per second is printed, each starting with a '--- ' line.\n"
	"\n"
	"Options:\n"
	"  -p, --pid PID        the process to watch (every thread)\n"
	"  -a, --all-cpus       every process (root or CAP_PERFMON)\n"
	"  -d, --duration SECS  stop after SECS seconds\n"
	"  -F, --freq HZ        samples per second (default 499)\n"
	"  -n, --rows N         functions shown (default 20)\n"
	"      --no-kernel      leave kernel frames out\n"
	"  -h, --help           this help\n"
	"\n"
	"Exit codes: 0 ok; 1 failed; 2 usage error or no such process;\n"
	"4 not permitted.\n";

static struct top *the_top;
static char what[64];

static int tick(void *ctx, double elapsed)
{
	return top_tick(ctx, elapsed, what);
}

static void on_signal(int sig)
{
	(void)sig;
	session_request_stop();
}

int cmd_top(int argc, char **argv)
{
	static const struct option longs[] = {
		{ "pid", required_argument, NULL, 'p' },
		{ "all-cpus", no_argument, NULL, 'a' },
		{ "duration", required_argument, NULL, 'd' },
		{ "freq", required_argument, NULL, 'F' },
		{ "rows", required_argument, NULL, 'n' },
		{ "no-kernel", no_argument, NULL, 'K' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct record_options o = {
		.ev = { .freq = 499, .kernel = true, .unwind = UNWIND_AUTO,
			.stack_size = 8192, .ring_pages = 0 },
		.python = true,
	};
	char tmp[] = "/tmp/flamer-top-XXXXXX";
	uint64_t pid = 0, rows = 20, v;
	bool all = false;
	struct sigaction sa;
	struct session *s;
	int c, err, rc, fd;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+p:ad:F:n:h", longs, NULL)) != -1) {
		switch (c) {
		case 'p':
			err = num_parse_u64(optarg, 1, 4194304, &pid);
			goto num;
		case 'a': all = true; break;
		case 'd':
			err = num_parse_double(optarg, 0.001, 31536000, &o.duration);
			goto num;
		case 'F':
			err = num_parse_u64(optarg, 1, 100000, &v);
			o.ev.freq = v;
			goto num;
		case 'n':
			err = num_parse_u64(optarg, 1, 1000, &rows);
			goto num;
		case 'K':
			o.ev.kernel = false;
			break;
		case 'h':
			fputs(top_usage, stdout);
			return FLAMER_EXIT_OK;
		default:
			fl_error("top", "unknown or incomplete option '%s' (try "
				 "'flamer top --help')", argv[optind - 1]);
			return FLAMER_EXIT_USAGE;
		}
		continue;
num:
		if (err) {
			fl_error(argv[optind - 1], "'%s': %s", optarg,
				 flamer_strerror(err));
			return FLAMER_EXIT_USAGE;
		}
	}
	if (optind < argc || all == (pid != 0)) {
		fl_error("top", "give -p PID or -a (try 'flamer top --help')");
		return FLAMER_EXIT_USAGE;
	}
	o.ev.ring_pages = geteuid() == 0 ? 512 : 64;
	snprintf(what, sizeof what, all ? "all processes" : "pid %llu",
		 (unsigned long long)pid);
	the_top = top_new(stdout, isatty(STDOUT_FILENO), (unsigned)rows);
	/* the pipeline writes its usual recording too: to a file removed
	 * at the end (the recording is the pipeline's one complete sink) */
	fd = mkstemp(tmp);
	if (!the_top || fd < 0) {
		fl_error("top", "%s", strerror(the_top ? errno : ENOMEM));
		top_free(the_top);
		return FLAMER_EXIT_FAIL;
	}
	close(fd);
	o.output = tmp;
	o.tap = sink_top(the_top);
	o.no_source_lines = true;
	o.tick = tick;
	o.tick_ctx = the_top;
	fl_quiet = true;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	s = session_new(&o, &err);
	if (!s) {
		rc = FLAMER_EXIT_FAIL;
		goto out;
	}
	err = all ? session_all(s) : session_attach(s, (pid_t)pid);
	if (err) {
		rc = (err == -EACCES || err == -EPERM) ? FLAMER_EXIT_PERM :
		     (err == -FE_NO_TARGET || err == -FE_KTHREAD) ? FLAMER_EXIT_USAGE
								    : FLAMER_EXIT_FAIL;
		session_abort(s);
		goto out;
	}
	err = session_run(s);
	/* the last, partial second */
	if (!err && o.duration > 0)
		err = top_tick(the_top, o.duration, what);
	rc = session_finish(s, err);
out:
	unlink(tmp);
	top_free(the_top);
	return rc;
}
