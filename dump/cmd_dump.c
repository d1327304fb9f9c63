/* flamer dump: the current stack of every thread of a running process. */
#include "dump.h"
#include "../commands.h"
#include "../common/error.h"
#include "../common/log.h"
#include "../common/num.h"
#include "../profiler/frames.h"
#include "../profiler/interp.h"
#include "../profiler/stack.h"
#include "../profiler/world.h"

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <linux/perf_event.h>

static const char dump_usage[] =
	"usage: flamer dump [OPTIONS] -p PID\n"
	"\n"
	"Prints, once, the current stack of every thread of a running process,\n"
	"leaf first: kernel frames (from /proc, root only), native frames\n"
	"(unwound with CFI), Python frames with line numbers (CPython 3.8-3.13)\n"
	"and JIT frames named by a perf map, with each thread's id, name and\n"
	"state (running, or sleeping in which system call and kernel function).\n"
	"\n"
	"A thread blocked in a system call is read without stopping it.  A\n"
	"running thread is stopped (ptrace) only while its registers, stack\n"
	"and Python frames are copied, typically well under a millisecond; the\n"
	"time is printed.  Names are looked up after it runs again.\n"
	"\n"
	"Options:\n"
	"  -p, --pid PID     the process to dump\n"
	"      --no-kernel   do not read kernel stacks\n"
	"      --no-python   do not read CPython frames\n"
	"      --no-stop     never stop a thread: running threads are listed\n"
	"                    without a stack\n"
	"  -h, --help        this help\n"
	"\n"
	"Example:\n"
	"  flamer dump -p $(pgrep -n myservice)\n"
	"\n"
	"Exit codes: 0 every thread read; 1 failed; 2 usage error or no such\n"
	"process; 3 partial (some threads could not be read); 4 not permitted.\n";

enum { OPT_NO_KERNEL = 256, OPT_NO_PYTHON, OPT_NO_STOP };

struct dump_opts {
	pid_t pid;
	int no_kernel, no_python, no_stop;
};

struct dumper {
	struct dump_opts o;
	struct world *world;
	struct frames *frames;
	struct stacks *stacks;
	struct pywalker *pw;
	struct dump_grab g;
	struct dump_maps maps;
	uint32_t ids[REC_MAX_FRAMES];
	char kstack[64][64];
	int kstack_denied;
	unsigned unread, stopped;
	uint64_t stop_ns_max;
};

static int parse_args(int argc, char **argv, struct dump_opts *o)
{
	static const struct option longs[] = {
		{ "pid", required_argument, NULL, 'p' },
		{ "no-kernel", no_argument, NULL, OPT_NO_KERNEL },
		{ "no-python", no_argument, NULL, OPT_NO_PYTHON },
		{ "no-stop", no_argument, NULL, OPT_NO_STOP },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t pid = 0;
	int c, err;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+p:h", longs, NULL)) != -1) {
		switch (c) {
		case 'p':
			err = num_parse_u64(optarg, 1, 4194304, &pid);
			if (err) {
				fl_error("-p", "'%s': %s", optarg,
					 flamer_strerror(err));
				return FLAMER_EXIT_USAGE;
			}
			break;
		case OPT_NO_KERNEL: o->no_kernel = 1; break;
		case OPT_NO_PYTHON: o->no_python = 1; break;
		case OPT_NO_STOP: o->no_stop = 1; break;
		case 'h':
			fputs(dump_usage, stdout);
			return -1;
		default:
			fl_error(argv[optind - 1], "unknown option (try "
				 "'flamer dump --help')");
			return FLAMER_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fl_error(argv[optind], "unexpected argument (try 'flamer dump "
			 "--help')");
		return FLAMER_EXIT_USAGE;
	}
	if (!pid) {
		fl_error("dump", "-p PID is required (try 'flamer dump --help')");
		return FLAMER_EXIT_USAGE;
	}
	o->pid = (pid_t)pid;
	return 0;
}

static int cmp_tid(const void *a, const void *b)
{
	pid_t x = *(const pid_t *)a, y = *(const pid_t *)b;

	return (x > y) - (x < y);
}

/* The thread ids of pid, sorted.  *out owned by the caller.  0 or -errno. */
static int list_tids(pid_t pid, pid_t **out, size_t *n)
{
	char path[64];
	struct dirent *de;
	size_t cap = 0;
	pid_t *v = NULL, *nv;
	DIR *d;

	*n = 0;
	snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
	d = opendir(path);
	if (!d)
		return errno == ENOENT ? -FE_NO_TARGET : -errno;
	while ((de = readdir(d))) {
		long t = atol(de->d_name);

		if (t <= 0)
			continue;
		if (*n == cap) {
			cap = cap ? 2 * cap : 16;
			nv = realloc(v, cap * sizeof *v);
			if (!nv) {
				free(v);
				closedir(d);
				return -ENOMEM;
			}
			v = nv;
		}
		v[(*n)++] = (pid_t)t;
	}
	closedir(d);
	qsort(v, *n, sizeof *v, cmp_tid);
	*out = v;
	return 0;
}

static void print_state(const struct dump_task *t)
{
	const char *sc;

	switch (t->state) {
	case 'R': fputs("running", stdout); break;
	case 'S': fputs("sleeping", stdout); break;
	case 'D': fputs("waiting uninterruptibly", stdout); break;
	case 'T': fputs("stopped", stdout); break;
	case 't': fputs("stopped by a tracer", stdout); break;
	case 'Z': fputs("zombie", stdout); break;
	case 'I': fputs("idle", stdout); break;
	default: printf("state %c", t->state); break;
	}
	if (t->state != 'R' && t->syscall >= 0) {
		sc = dump_syscall_name(t->syscall);
		if (sc)
			printf(" in %s", sc);
		else
			printf(" in syscall %ld", t->syscall);
	} else if (t->state != 'R' && t->syscall == DUMP_SC_NONE) {
		fputs(" (not in a system call)", stdout);
	}
	if (t->state != 'R' && t->wchan[0])
		printf(" [wchan %s]", t->wchan);
}

/* Native frames from the grab, then CPython's merged in: ids, *n. */
static int build_user(struct dumper *d, pid_t tid, size_t *n, int *trunc)
{
	struct event ev;
	struct rec_sample out;
	struct wproc *p;
	struct stack_stats st = { 0 };
	uint32_t flags = 0;
	size_t npy = d->g.npy;
	int invalid = d->g.py_err == -FE_BAD_MEMORY, err;

	memset(&ev, 0, sizeof ev);
	ev.kind = EV_SAMPLE;
	ev.pid = (uint32_t)d->o.pid;
	ev.tid = (uint32_t)tid;
	ev.u.sample.abi = PERF_SAMPLE_REGS_ABI_64;
	memcpy(ev.u.sample.regs, d->g.regs, sizeof d->g.regs);
	ev.u.sample.ip = d->g.regs[16];
	ev.u.sample.stack = d->g.stack;
	ev.u.sample.stack_len = d->g.stack_len;
	err = world_prepare_sample(d->world, &ev, &p);
	if (!err)
		err = stacks_build(d->stacks, p, &ev, 0, &out);
	if (err)
		return err;
	*n = out.n;
	*trunc = !!(out.flags & REC_SF_TRUNCATED);
	memcpy(d->ids, out.frames, out.n * sizeof *d->ids);
	if (d->g.py_err && !invalid)
		npy = 0; /* the thread went away under the walk */
	if (invalid)
		d->g.py[npy++] = (struct pyframe){ .name = "[invalid]", .entry = 1 };
	if (npy == 0)
		return 0;
	/* read while the thread was stopped: nothing to confirm */
	return stack_python_merge(d->frames, d->g.py, npy, invalid, false,
				  d->ids, n, 0, &flags, &st, NULL);
}

static int grab(struct dumper *d, const struct dump_task *t)
{
	int err = -EAGAIN;

	if (dump_task_blocked(t))
		err = dump_grab_blocked(d->o.pid, t, &d->maps, d->pw, &d->g);
	if (err == -EAGAIN && !d->o.no_stop)
		err = dump_grab_stopped(t->tid, &d->maps, d->pw, &d->g);
	if (!err && d->g.stopped) {
		d->stopped++;
		if (d->g.stop_ns > d->stop_ns_max)
			d->stop_ns_max = d->g.stop_ns;
	}
	return err;
}

/* System calls that a ptrace stop restarts transparently (the kernel
 * restarts ERESTARTSYS, ERESTARTNOHAND and restart_block calls when no
 * signal handler ran): a blocked thread in one of them may be stopped when
 * its pc and sp alone do not unwind.  epoll_wait and friends return EINTR
 * to the program instead, and are never interrupted. */
static int restarts_transparently(long nr)
{
	static const long ok[] = { 0, 1, 7, 17, 18, 19, 20, 23, 35, 43, 45,
				   47, 61, 202, 230, 247, 270, 271, 288 };

	for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++)
		if (ok[i] == nr)
			return 1;
	return 0;
}

/* A blocked thread whose stack did not unwind from pc and sp alone is read
 * again under a short stop, when that is transparent to it.  The kernel
 * stack read before stays valid if it is still at the same place. */
static int regrab_stopped(struct dumper *d, const struct dump_task *t,
			  size_t *nu, int *kstack_valid)
{
	int trunc, err = dump_grab_stopped(t->tid, &d->maps, d->pw, &d->g);

	if (err)
		return err;
	d->stopped++;
	if (d->g.stop_ns > d->stop_ns_max)
		d->stop_ns_max = d->g.stop_ns;
	*kstack_valid = d->g.regs[7] == t->sp && d->g.regs[16] == t->pc;
	return build_user(d, t->tid, nu, &trunc);
}

static void dump_thread(struct dumper *d, pid_t tid)
{
	struct dump_task t;
	size_t nk = 0, nu = 0;
	int err, kerr = -ENOENT, trunc = 0, kvalid = 1;

	if (dump_task_read(d->o.pid, tid, &t))
		return; /* exited since the listing */
	printf("Thread %d \"%s\": ", (int)tid, t.name);
	print_state(&t);
	if (t.state == 'Z' || t.state == 'X') {
		putchar('\n');
		return;
	}
	if (!d->o.no_kernel && t.state != 'R') {
		kerr = dump_kstack(d->o.pid, tid, d->kstack, 64, &nk);
		if (kerr == -EACCES || kerr == -EPERM)
			d->kstack_denied = 1;
	}
	err = grab(d, &t);
	if (err == -EAGAIN) {
		fputs("\n    [not read: running, and --no-stop]\n", stdout);
		d->unread++;
		return;
	}
	kvalid = !d->g.stopped;
	if (!err)
		err = build_user(d, tid, &nu, &trunc);
	if (!err && trunc && d->g.partial_regs && !d->o.no_stop &&
	    restarts_transparently(t.syscall))
		err = regrab_stopped(d, &t, &nu, &kvalid);
	if (d->g.stopped)
		printf(", stopped %.0f us to read (%.0f us from interrupt "
		       "to resume)", d->g.stop_ns / 1e3, d->g.total_ns / 1e3);
	else if (!err)
		fputs(", read without stopping it", stdout);
	putchar('\n');
	if (kerr == 0 && kvalid)
		for (size_t i = 0; i < nk; i++)
			printf("    %s [kernel]\n", d->kstack[i]);
	if (err) {
		printf("    [not read: %s]\n", flamer_strerror(err));
		d->unread++;
		return;
	}
	for (size_t i = 0; i < nu; i++) {
		const char *name = frames_name(d->frames, d->ids[i]);

		printf("    %s\n", name ? name : "[unknown]");
	}
}

static int setup(struct dumper *d)
{
	struct world_options wo = { .python = false };
	struct stack_options so = { .unwind = UNWIND_AUTO };
	struct sink sink = { &sink_nop_ops, NULL }; /* names: the frame table */
	int err;

	d->world = world_new(&wo, sink);
	d->frames = frames_new(sink);
	d->stacks = d->frames ? stacks_new(&so, d->frames, NULL) : NULL;
	if (!d->world || !d->stacks)
		return -ENOMEM;
	err = world_add_process(d->world, d->o.pid, 0);
	if (!err)
		err = dump_maps_load(d->o.pid, &d->maps);
	if (err)
		return err;
	if (!d->o.no_python &&
	    (interp_kind_of_pid(d->o.pid) & INTERP_PYTHON)) {
		err = pywalker_new(d->o.pid, &d->pw);
		if (err)
			fl_warn("dump", "Python frames not read: %s",
				flamer_strerror(err));
	}
	return 0;
}

static void teardown(struct dumper *d)
{
	dump_grab_fini(&d->g);
	dump_maps_free(&d->maps);
	pywalker_free(d->pw);
	stacks_free(d->stacks);
	frames_free(d->frames);
	world_free(d->world);
}

static int exit_code_of(int err)
{
	if (err == -FE_NO_TARGET || err == -ESRCH || err == -ENOENT)
		return FLAMER_EXIT_USAGE;
	if (err == -EACCES || err == -EPERM)
		return FLAMER_EXIT_PERM;
	return FLAMER_EXIT_FAIL;
}

int cmd_dump(int argc, char **argv)
{
	struct dumper d;
	pid_t *tids = NULL;
	size_t n = 0;
	char what[32];
	int err, code;

	memset(&d, 0, sizeof d);
	code = parse_args(argc, argv, &d.o);
	if (code)
		return code < 0 ? FLAMER_EXIT_OK : code;
	snprintf(what, sizeof what, "pid %d", (int)d.o.pid);
	err = list_tids(d.o.pid, &tids, &n);
	if (!err)
		err = setup(&d);
	if (err) {
		fl_error_code(what, err);
		code = exit_code_of(err);
		goto out;
	}
	printf("Process %d \"%s\": %zu thread%s%s%s\n", (int)d.o.pid,
	       wproc_comm(world_proc(d.world, d.o.pid)), n, n == 1 ? "" : "s",
	       d.pw ? ", Python " : "", d.pw ? pywalker_version(d.pw) : "");
	for (size_t i = 0; i < n; i++) {
		dump_thread(&d, tids[i]);
		fflush(stdout);
	}
	if (d.kstack_denied)
		fl_note(what, "kernel stacks not shown: reading "
			"/proc/PID/task/TID/stack needs root");
	if (d.unread == n && n) {
		fl_error(what, "no thread could be read");
		code = FLAMER_EXIT_FAIL;
	} else {
		code = d.unread ? FLAMER_EXIT_PARTIAL : FLAMER_EXIT_OK;
	}
	if (ferror(stdout) || fflush(stdout)) {
		fl_error("stdout", "%s", strerror(errno));
		code = FLAMER_EXIT_FAIL;
	}
out:
	free(tids);
	teardown(&d);
	return code;
}
