/* flamer record: option parsing and the top of the recorder. */
#include "../commands.h"
#include "../common/error.h"
#include "../common/log.h"
#include "../common/num.h"
#include "interp.h"
#include "session.h"

#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define DEFAULT_FREQ 99
#define DEFAULT_OFFCPU_RATE 2000 /* off-CPU stacks per second, at most about */
#define DEFAULT_STACK 8192
#define PYTHON_STACK 32768
/* node: V8's frames are walked within the stack copy only (beyond it the
 * live stack cannot be checked: unwind/addrspace_unwind.c, jit_walk), so
 * a JS recursion 400 deep (~20 KiB) keeps its root */
#define NODE_STACK 32768

static const char record_usage[] =
	"usage: flamer record [OPTIONS] -p PID\n"
	"       flamer record [OPTIONS] -a\n"
	"       flamer record [OPTIONS] -- COMMAND [ARGS...]\n"
	"\n"
	"Samples a running process (every thread, and threads and children\n"
	"created later) or a command it launches, and writes a self-contained\n"
	"recording: symbols are resolved before it finishes, so the recording\n"
	"can be read after the target has exited or on another machine.\n"
	"\n"
	"Options:\n"
	"  -p, --pid PID         profile the running process PID\n"
	"  -a, --all-cpus        profile every process on every CPU, those\n"
	"                        started meanwhile and the idle task (swapper)\n"
	"                        included; until -d runs out or Ctrl-C (root or\n"
	"                        CAP_PERFMON); --pid/--tid in collapse tell the\n"
	"                        processes apart\n"
	"  -d, --duration SECS   stop after SECS seconds (default: when the\n"
	"                        target exits, or on Ctrl-C)\n"
	"  -F, --freq HZ         samples per second per thread (default 99; at\n"
	"                        most kernel.perf_event_max_sample_rate)\n"
	"  -o, --output FILE     recording file (default flamer.data)\n"
	"      --no-kernel       do not record kernel stacks\n"
	"      --unwind MODE     fp: frame pointers (cheapest, wrong for code\n"
	"                        built without them); dwarf: copy the stack and\n"
	"                        unwind with CFI; auto (default): CFI where a\n"
	"                        module has it, frame pointers where not (JIT)\n"
	"      --stack-size N    bytes of user stack copied per sample in\n"
	"                        dwarf/auto mode (default 8192; 32768 for a\n"
	"                        Python or node target; max 65528)\n"
	"      --inline          show inlined functions as frames (_[i])\n"
	"      --addrs           name code without symbols module+0xOFFSET\n"
	"                        instead of [module]\n"
	"      --no-python       do not walk CPython frames\n"
	"      --python-only     keep only Python frames in Python threads\n"
	"      --lines           add line numbers to Python frames\n"
	"      --off-cpu         also record every interval a thread spends off\n"
	"                        the CPU (blocked or preempted), with its stack\n"
	"                        as it left and the interval's length in us\n"
	"                        (needs kernel sampling: root or CAP_PERFMON);\n"
	"                        see 'flamer collapse --off-cpu / --wall'\n"
	"      --off-cpu-rate N  with --off-cpu: take at most about N switch-out\n"
	"                        stacks a second (default 2000): past that,\n"
	"                        1 switch in 16 or 256; every interval is\n"
	"                        still measured, and the time of those without\n"
	"                        a stack is shared among the sampled stacks\n"
	"                        of the same thread (docs/offcpu.md)\n"
	"      --off-cpu-every N with --off-cpu: instead, take the stack of 1\n"
	"                        switch-out in N per thread and CPU (1: all)\n"
	"      --mmap-pages N    ring buffer pages per CPU (power of two,\n"
	"                        default as root: 512, more for large\n"
	"                        --stack-size (128 samples), else 64)\n"
	"  -q, --quiet           no progress line and no notes (warnings,\n"
	"                        errors and the summary line are kept)\n"
	"  -h, --help            this help\n"
	"\n"
	"Examples:\n"
	"  flamer record -p 1234 -d 20\n"
	"  flamer record -F 499 -- ./prog arg1 arg2\n"
	"  flamer record --unwind fp -p $(pgrep -n nginx) -d 10\n"
	"  flamer record -a -d 10 --off-cpu\n"
	"\n"
	"When permitted (root, CAP_SYS_NICE) the recorder runs at the lowest\n"
	"real-time priority so a busy target cannot starve it into losing\n"
	"samples; what it launches runs normally.  FLAMER_NO_RT=1 turns it off.\n"
	"After the last sample the source lines of the sampled code are looked\n"
	"up (for pprof; a second Ctrl-C skips it); FLAMER_NO_LINES=1 skips it.\n"
	"\n"
	"Exit codes: 0 ok; 1 failed; 2 usage error, no such process or\n"
	"command; 3 partial (write error: the recording up to it is kept);\n"
	"4 not permitted; 5 no samples were taken (the target used no CPU\n"
	"while recorded: idle or waiting; the empty recording is kept).\n";

enum {
	OPT_NO_KERNEL = 256,
	OPT_UNWIND,
	OPT_STACK_SIZE,
	OPT_INLINE,
	OPT_ADDRS,
	OPT_NO_PYTHON,
	OPT_PYTHON_ONLY,
	OPT_LINES,
	OPT_MMAP_PAGES,
	OPT_OFF_CPU,
	OPT_OFF_CPU_EVERY,
	OPT_OFF_CPU_RATE,
};

static const struct option long_opts[] = {
	{ "pid", required_argument, NULL, 'p' },
	{ "all-cpus", no_argument, NULL, 'a' },
	{ "duration", required_argument, NULL, 'd' },
	{ "freq", required_argument, NULL, 'F' },
	{ "output", required_argument, NULL, 'o' },
	{ "no-kernel", no_argument, NULL, OPT_NO_KERNEL },
	{ "unwind", required_argument, NULL, OPT_UNWIND },
	{ "stack-size", required_argument, NULL, OPT_STACK_SIZE },
	{ "inline", no_argument, NULL, OPT_INLINE },
	{ "addrs", no_argument, NULL, OPT_ADDRS },
	{ "no-python", no_argument, NULL, OPT_NO_PYTHON },
	{ "python-only", no_argument, NULL, OPT_PYTHON_ONLY },
	{ "lines", no_argument, NULL, OPT_LINES },
	{ "mmap-pages", required_argument, NULL, OPT_MMAP_PAGES },
	{ "off-cpu", no_argument, NULL, OPT_OFF_CPU },
	{ "off-cpu-every", required_argument, NULL, OPT_OFF_CPU_EVERY },
	{ "off-cpu-rate", required_argument, NULL, OPT_OFF_CPU_RATE },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ 0 },
};

static uint64_t max_sample_rate(void)
{
	unsigned long long v = 100000;
	FILE *f = fopen("/proc/sys/kernel/perf_event_max_sample_rate", "re");

	if (f) {
		if (fscanf(f, "%llu", &v) != 1)
			v = 100000;
		fclose(f);
	}
	return v;
}

static int bad(const char *opt, const char *arg, int err)
{
	fl_error(opt, "'%s': %s", arg, flamer_strerror(err));
	return FLAMER_EXIT_USAGE;
}

static void on_signal(int sig)
{
	(void)sig;
	session_request_stop();
}

static void install_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
}

int cmd_record(int argc, char **argv)
{
	struct record_options o = {
		.output = "flamer.data",
		.ev = { .freq = DEFAULT_FREQ, .kernel = true,
			.unwind = UNWIND_AUTO, .stack_size = DEFAULT_STACK,
			.ring_pages = 0 },
		.python = true,
	};
	uint64_t pid = 0, v;
	int c, err, rc;
	bool stack_size_set = false, all = false;
	unsigned kind;
	struct session *s;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+ap:d:F:o:qh", long_opts, NULL)) != -1) {
		switch (c) {
		case 'a': all = true; break;
		case 'p':
			err = num_parse_u64(optarg, 1, 4194304, &pid);
			if (err)
				return bad("-p", optarg, err);
			break;
		case 'd':
			err = num_parse_double(optarg, 0.001, 31536000, &o.duration);
			if (err)
				return bad("-d", optarg, err);
			break;
		case 'F':
			err = num_parse_u64(optarg, 1, UINT64_MAX, &o.ev.freq);
			if (err)
				return bad("-F", optarg, err);
			if (o.ev.freq > max_sample_rate()) {
				fl_error("-F", "%llu Hz is above the kernel's maximum "
					 "of %llu (kernel.perf_event_max_sample_rate)",
					 (unsigned long long)o.ev.freq,
					 (unsigned long long)max_sample_rate());
				return FLAMER_EXIT_USAGE;
			}
			break;
		case 'o':
			if (!optarg[0])
				return bad("-o", optarg, -FE_SYNTAX);
			o.output = optarg;
			break;
		case OPT_NO_KERNEL:
			o.ev.kernel = false;
			break;
		case OPT_UNWIND:
			if (!strcmp(optarg, "fp"))
				o.ev.unwind = UNWIND_FP;
			else if (!strcmp(optarg, "dwarf"))
				o.ev.unwind = UNWIND_DWARF;
			else if (!strcmp(optarg, "auto"))
				o.ev.unwind = UNWIND_AUTO;
			else {
				fl_error("--unwind", "'%s': expected fp, dwarf or auto",
					 optarg);
				return FLAMER_EXIT_USAGE;
			}
			break;
		case OPT_STACK_SIZE:
			err = num_parse_u64(optarg, 64, 65528, &v);
			if (err)
				return bad("--stack-size", optarg, err);
			o.ev.stack_size = (uint32_t)(v & ~7ull);
			stack_size_set = true;
			break;
		case OPT_MMAP_PAGES:
			err = num_parse_u64(optarg, 1, 1u << 20, &v);
			if (!err && (v & (v - 1)))
				err = -FE_RANGE;
			if (err)
				return bad("--mmap-pages", optarg, err);
			o.ev.ring_pages = (size_t)v;
			break;
		case OPT_OFF_CPU_EVERY:
			err = num_parse_u64(optarg, 1, 1000000, &v);
			if (err)
				return bad("--off-cpu-every", optarg, err);
			o.offcpu_every = v;
			break;
		case OPT_OFF_CPU_RATE:
			err = num_parse_u64(optarg, 1, 1000000, &v);
			if (err)
				return bad("--off-cpu-rate", optarg, err);
			o.offcpu_rate = v;
			break;
		case OPT_INLINE: o.inline_frames = true; break;
		case OPT_ADDRS: o.unknown_offsets = true; break;
		case OPT_NO_PYTHON: o.python = false; break;
		case OPT_PYTHON_ONLY: o.python_only = true; break;
		case OPT_LINES: o.lines = true; break;
		case OPT_OFF_CPU: o.offcpu = true; break;
		case 'q': fl_quiet = true; break;
		case 'h':
			fputs(record_usage, stdout);
			return FLAMER_EXIT_OK;
		default:
			if (optopt && optopt < 256)
				fl_error("record", "unknown or incomplete option '-%c' "
					 "(try 'flamer record --help')", optopt);
			else
				fl_error("record", "unknown or incomplete option '%s' "
					 "(try 'flamer record --help')",
					 argv[optind - 1]);
			return FLAMER_EXIT_USAGE;
		}
	}
	if (all && (pid || optind < argc)) {
		fl_error("-a", "profiles every process: give no -p PID or command");
		return FLAMER_EXIT_USAGE;
	}
	if (!all && !pid == (optind >= argc)) {
		fl_error("record", pid ? "give either -p PID or a command, not both"
				      : "nothing to profile: give -p PID or -- COMMAND "
					"(try 'flamer record --help')");
		return FLAMER_EXIT_USAGE;
	}
	if ((o.offcpu_every || o.offcpu_rate) && !o.offcpu) {
		fl_error(o.offcpu_every ? "--off-cpu-every" : "--off-cpu-rate",
			 "needs --off-cpu");
		return FLAMER_EXIT_USAGE;
	}
	if (o.offcpu_every && o.offcpu_rate) {
		fl_error("--off-cpu-every", "give either it or --off-cpu-rate");
		return FLAMER_EXIT_USAGE;
	}
	if (!o.offcpu_rate)
		o.offcpu_rate = DEFAULT_OFFCPU_RATE;
	/* CPython 3.8-3.10 use ~0.5 KiB of C stack per Python call: 8 KiB
	 * would cut the native stack some 15 Python frames down, and the
	 * eval frames that Python frames replace with it */
	kind = all ? 0 : pid ? interp_kind_of_pid((pid_t)pid)
			     : interp_kind_of_path(argv[optind]);
	if (!stack_size_set && o.python && o.ev.unwind != UNWIND_FP &&
	    (kind & INTERP_PYTHON))
		o.ev.stack_size = PYTHON_STACK;
	if (!stack_size_set && o.ev.unwind != UNWIND_FP && (kind & INTERP_NODE))
		o.ev.stack_size = NODE_STACK;
	o.ev.prompt = (kind & INTERP_BEAM) || ((kind & INTERP_PYTHON) && o.python);
	/* BPF reads CPython frames, and Erlang frames and processes of the
	 * BEAM builds unwind/beamproc.c knows (docs/beam-bpf.md); a BEAM it
	 * cannot read keeps the live reads, ~0.5 ms later since samples
	 * wait for the BPF records in the merge (docs/bpf.md) */
	o.beam = (kind & INTERP_BEAM) != 0;
	if (!o.ev.ring_pages) {
		/* as root, room for 128 samples with their stack copies, so
		 * a recorder busy for a moment (loading debug info) loses
		 * nothing; a normal user's locked-memory limit allows less */
		o.ev.ring_pages = 64;
		if (geteuid() == 0) {
			o.ev.ring_pages = 512;
			while (o.ev.unwind != UNWIND_FP &&
			       o.ev.ring_pages * 4096 < 128ull * o.ev.stack_size)
				o.ev.ring_pages *= 2;
		}
	}
	o.progress = !fl_quiet && isatty(STDERR_FILENO);
	install_signals();
	s = session_new(&o, &err);
	if (!s)
		return FLAMER_EXIT_FAIL;
	err = all ? session_all(s) :
	      pid ? session_attach(s, (pid_t)pid) : session_launch(s, argv + optind);
	if (err) {
		rc = (err == -EACCES || err == -EPERM) ? FLAMER_EXIT_PERM
		     : (err == -FE_NO_TARGET || err == -FE_KTHREAD) ? FLAMER_EXIT_USAGE
								    : FLAMER_EXIT_FAIL;
		session_abort(s);
		return rc;
	}
	err = session_run(s);
	return session_finish(s, err);
}
