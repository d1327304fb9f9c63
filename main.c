/* flamer - sampling profiler and flame-graph generator. */
#include "commands.h"
#include "common/error.h"
#include "common/log.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#ifndef FLAMER_VERSION
#define FLAMER_VERSION "0.1.0"
#endif

static const char usage[] =
	"usage: flamer COMMAND [OPTIONS] [ARGS]\n"
	"\n"
	"Commands:\n"
	"  record    sample a process (-p PID) or a command (-- CMD ARGS) into\n"
	"            a recording (default flamer.data)\n"
	"  collapse  fold a recording, perf script output, SystemTap stacks or\n"
	"            collapsed stacks into collapsed stacks (one line a stack)\n"
	"  svg       render collapsed stacks or a recording as an interactive\n"
	"            SVG flame graph\n"
	"  diff      render a differential flame graph of two collapsed files\n"
	"            or recordings\n"
	"  dump      print the current stack of every thread of a process\n"
	"  top       show the hottest functions of a process (-p) or of all\n"
	"            (-a), refreshed every second\n"
	"\n"
	"Options:\n"
	"  -h, --help     this text\n"
	"  --version      print flamer's version and exit\n"
	"\n"
	"Examples:\n"
	"  flamer record -p 1234 -d 20\n"
	"  flamer record -F 499 -- ./prog arg\n"
	"  flamer collapse | flamer svg > out.svg\n"
	"  flamer svg flamer.data > out.svg\n"
	"  flamer diff before.data after.data > diff.svg\n"
	"  flamer dump -p 1234\n"
	"\n"
	"Run 'flamer COMMAND --help' for a command's options.\n"
	"\n"
	"Exit codes:\n"
	"  0  success\n"
	"  1  failure: nothing useful was produced\n"
	"  2  usage error (bad option or argument)\n"
	"  3  partial: output written but incomplete (truncated input, write\n"
	"     error during recording, lost samples are not counted here)\n"
	"  4  not permitted (privileges, perf_event_paranoid)\n"
	"  5  record: no samples were taken (the target used no CPU while it\n"
	"     was recorded); the empty recording is kept\n"
	"\n"
	"Manual: man flamer\n";

int main(int argc, char **argv)
{
	const char *cmd;

	/* flamer is never installed setuid: reading other processes' memory
	 * on behalf of whoever runs it would be a privilege escalation. */
	if (getuid() != geteuid() || getgid() != getegid()) {
		fl_error(NULL, "refusing to run setuid or setgid; run it as "
			       "root or grant CAP_PERFMON instead");
		return FLAMER_EXIT_PERM;
	}
	/* A closed pipe is an error on write, not a silent death. */
	signal(SIGPIPE, SIG_IGN);
	if (argc < 2) {
		fputs(usage, stderr);
		return FLAMER_EXIT_USAGE;
	}
	cmd = argv[1];
	if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") || !strcmp(cmd, "help")) {
		fputs(usage, stdout);
		return FLAMER_EXIT_OK;
	}
	if (!strcmp(cmd, "--version") || !strcmp(cmd, "version")) {
		printf("flamer %s\n", FLAMER_VERSION);
		return FLAMER_EXIT_OK;
	}
	if (!strcmp(cmd, "record"))
		return cmd_record(argc - 1, argv + 1);
	if (!strcmp(cmd, "collapse"))
		return cmd_collapse(argc - 1, argv + 1);
	if (!strcmp(cmd, "svg"))
		return cmd_svg(argc - 1, argv + 1);
	if (!strcmp(cmd, "diff"))
		return cmd_diff(argc - 1, argv + 1);
	if (!strcmp(cmd, "dump"))
		return cmd_dump(argc - 1, argv + 1);
	if (!strcmp(cmd, "top"))
		return cmd_top(argc - 1, argv + 1);
	fl_error(cmd, "unknown command (try 'flamer --help')");
	return FLAMER_EXIT_USAGE;
}
