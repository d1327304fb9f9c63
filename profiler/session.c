/* A recording's life: set-up, targets, the sampling loop, the end.  The
 * session wires the pipeline together (docs/internals.md): perf rings as
 * sources -> order -> world (process changes) and stacks (samples) ->
 * the recording sink. */
#include "session.h"
#include "decode.h"
#include "events.h"
#include "frames.h"
#include "offcpu.h"
#include "blocked.h"
#include "order.h"
#include "pypend.h"
#include "procfs.h"
#include "sink.h"
#include "source.h"
#include "srclines.h"
#include "stack.h"
#include "ttyfwd.h"
#include "world.h"
#include "../common/error.h"
#include "../common/log.h"
#include "../common/outfile.h"
#include "../recording/recwriter.h"
#include "../unwind/kallsyms.h"
#include "../unwind/python/python.h"
#include "../bpf/beamstack.h"
#include "../bpf/pybpf.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef FLAMER_VERSION
#define FLAMER_VERSION "0.1.0"
#endif

/* --off-cpu's sampling sets: 1 switch-out in P has its stack taken */
#define OFF_LEVELS 3
static const uint64_t off_periods[OFF_LEVELS] = { 1, 16, 256 };

struct session {
	struct record_options opt;
	struct outfile *out;
	struct recwriter *w;     /* the recording */
	struct sink sink;        /* the recording as the pipeline's sink */
	struct events *ev;       /* perf events and their rings */
	struct events *swev;     /* --off-cpu: switch records, or NULL */
	/* --off-cpu: context-switch sampling sets, one per period (1, 16,
	 * 256; one set with --off-cpu-every), one enabled at a time */
	struct events *offev[OFF_LEVELS];
	int noff, level, max_level;
	uint64_t off_taken;      /* switch-out samples handled */
	uint64_t off_check_ns, off_check_taken; /* at the last level check */
	uint64_t level_changes;
	unsigned blocked_at_start; /* -p --off-cpu: threads read at attach */
	struct offcpu *off;      /* --off-cpu: open intervals */
	struct order *order;     /* the rings as sources, merged by time */
	struct frames *frames;   /* frame ids, symbol cache */
	struct world *world;     /* processes and threads */
	struct stacks *stacks;   /* samples to frame ids */
	struct pybpf *bpf;       /* CPython frames read at the sample, or NULL */
	struct pypend *pend;     /* BPF records waiting for their sample */
	int bpf_err;             /* why BPF is off (said at the end), or 0 */
	pid_t target;            /* attached or launched process */
	int all;                 /* -a: every process, no target */
	pid_t self;              /* the recorder's pid */
	int launched;
	int target_exited;
	int pidfd;
	uint64_t t0_ns;          /* CLOCK_MONOTONIC at start */
	uint64_t t0_wall;
	uint64_t end_ns;         /* CLOCK_MONOTONIC when sampling stopped */
	uint64_t lost;
	int interrupted;
	struct ttyfwd *tty;      /* launched command's terminal output, or NULL */
	int progress_shown;      /* the progress line is on the terminal */
	int tty_mid_line;        /* the command left a line unfinished */
};

static volatile sig_atomic_t stop_requested;

/* Why BPF is off, said once per recording.  EPERM/EACCES for root is
 * not a missing privilege: the verifier rejected the program (EACCES) or
 * BPF is locked down here. */
static void bpf_off_note(int err)
{
	int denied = err == -EPERM || err == -EACCES;

	fl_note("record", "Python frames are read late, from the live process "
		"(those the sample does not confirm are left out, as "
		"[python?]): BPF is not available: %s%s", flamer_strerror(err),
		!denied ? ""
		: geteuid() != 0 ? " (needs root or CAP_BPF and CAP_PERFMON)"
		: " (as root: the kernel rejected flamer's BPF program or "
		  "restricts BPF; FLAMER_BPF_DEBUG=1 shows why)");
}

/* Loads the BPF program for CPython and BEAM targets; any failure leaves the
 * recorder as it was without it.  FLAMER_NO_BPF=1 turns it off. */
static void bpf_start(struct session *s)
{
	const char *off = getenv("FLAMER_NO_BPF");
	int err;

	if ((!s->opt.python && !s->opt.beam) || s->opt.no_bpf ||
	    (off && *off && strcmp(off, "0") != 0))
		return;
	err = pybpf_new(&s->bpf);
	if (!err && !(s->pend = pypend_new()))
		err = -ENOMEM;
	if (err) {
		pybpf_free(s->bpf);
		s->bpf = NULL;
		s->bpf_err = err;
		return;
	}
	events_set_bpf(s->ev, pybpf_prog_fd(s->bpf));
	/* The off-CPU samples too: the program runs as the thread leaves
	 * the CPU, in its context, and reads the Python frames it blocked
	 * in.  Where it fails to attach, they keep the checked live read. */
	for (int i = 0; i < s->noff; i++)
		events_set_bpf(s->offev[i], pybpf_prog_fd(s->bpf));
	/* A process the program reads never gets a late Python or Erlang
	 * read (a sample without its record keeps native frames only): the
	 * wake-up per sample that kept live reads prompt only costs the
	 * target a preemption per sample (docs/bench.md).  A VM the program
	 * cannot read (another build) keeps live Erlang reads, later now,
	 * and checked: more of them are [erlang?], none wrong. */
	events_set_prompt(s->ev, false);
}

static uint64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

void session_request_stop(void)
{
	stop_requested = 1;
}

/* Whether environment variable name is set to something other than 0. */
static int getenv_on(const char *name)
{
	const char *v = getenv(name);

	return v && *v && strcmp(v, "0") != 0;
}

static void raise_nofile_limit(void)
{
	struct rlimit r;

	if (getrlimit(RLIMIT_NOFILE, &r) == 0 && r.rlim_cur < r.rlim_max) {
		r.rlim_cur = r.rlim_max;
		setrlimit(RLIMIT_NOFILE, &r);
	}
}

static void write_meta(struct session *s)
{
	struct utsname u;
	char buf[64];
	static const char *const modes[] = { "fp", "dwarf", "auto" };

	recwriter_meta(s->w, "flamer-version", FLAMER_VERSION);
	if (uname(&u) == 0) {
		recwriter_meta(s->w, "hostname", u.nodename);
		recwriter_meta(s->w, "kernel", u.release);
		recwriter_meta(s->w, "arch", u.machine);
	}
	snprintf(buf, sizeof buf, "%llu", (unsigned long long)s->opt.ev.freq);
	recwriter_meta(s->w, "frequency", buf);
	recwriter_meta(s->w, "unwind", modes[s->opt.ev.unwind]);
	snprintf(buf, sizeof buf, "%llu", (unsigned long long)s->t0_wall);
	recwriter_meta(s->w, "start-time", buf);
	recwriter_meta(s->w, "event", events_name(s->ev));
}

/* META "pid" and "command" (argv joined by spaces, or for -p the target's
 * /proc/PID/cmdline), shown in SVG subtitles and pprof comments. */
static void meta_target(struct session *s, pid_t pid, char *const argv[])
{
	char cmd[1024] = "", buf[32];
	size_t n = 0;

	if (argv) {
		for (int i = 0; argv[i] && n + 1 < sizeof cmd; i++)
			n += (size_t)snprintf(cmd + n, sizeof cmd - n, "%s%s",
					      i ? " " : "", argv[i]);
	} else {
		int fd;

		snprintf(buf, sizeof buf, "/proc/%d/cmdline", (int)pid);
		fd = open(buf, O_RDONLY | O_CLOEXEC);
		if (fd >= 0) {
			ssize_t got = read(fd, cmd, sizeof cmd - 1);

			close(fd);
			n = got > 0 ? (size_t)got : 0;
			while (n && cmd[n - 1] == '\0')
				n--;
			for (size_t i = 0; i < n; i++)
				if (cmd[i] == '\0')
					cmd[i] = ' ';
			cmd[n] = '\0';
		}
	}
	if (n > sizeof cmd - 1)
		n = sizeof cmd - 1;
	cmd[n] = '\0';
	snprintf(buf, sizeof buf, "%d", (int)pid);
	recwriter_meta(s->w, "pid", buf);
	if (*cmd)
		recwriter_meta(s->w, "command", cmd);
}

struct session *session_new(const struct record_options *opt, int *err)
{
	struct session *s = calloc(1, sizeof *s);
	struct world_options wo = { .python = opt->python,
				    .unknown_offsets = opt->unknown_offsets };

	struct stack_options so = { .unwind = opt->ev.unwind,
				    .inline_frames = opt->inline_frames,
				    .python_only = opt->python_only,
				    .lines = opt->lines,
				    .note_nodebug = true };
	struct kallsyms *ksyms = NULL;

	*err = -ENOMEM;
	if (!s)
		goto fail_report;
	s->opt = *opt;
	s->pidfd = -1;
	s->self = getpid();
	raise_nofile_limit();
	s->order = order_new();
	if (!s->order)
		goto fail_report;
	s->ev = events_new(&opt->ev, err);
	if (!s->ev)
		goto fail_report;
	if (opt->offcpu) {
		struct events_config sc = opt->ev;

		/* the switch records, up to 2 per switch: room for ~100 ms of
		 * 100k switches/s */
		sc.switches = true;
		if (sc.ring_pages < 1024 && geteuid() == 0)
			sc.ring_pages = 1024;
		s->swev = events_new(&sc, err);
		if (!s->swev)
			goto fail_report;
	}
	for (int i = 0; opt->offcpu && i < OFF_LEVELS; i++) {
		struct events_config oc = opt->ev;

		oc.offcpu = true;
		oc.switches = false;
		oc.offcpu_period = opt->offcpu_every ? opt->offcpu_every
						     : off_periods[i];
		/* the set of every switch takes a stack copy per switch:
		 * room for bursts until the rate check turns it off */
		if (oc.offcpu_period == 1 && oc.ring_pages < 1024 && geteuid() == 0)
			oc.ring_pages = 1024;
		s->offev[s->noff] = events_new(&oc, err);
		if (!s->offev[s->noff++])
			goto fail_report;
		if (opt->offcpu_every)
			break;
	}
	s->out = outfile_open(opt->output, err);
	if (!s->out) {
		fl_error(opt->output, "cannot create: %s", flamer_strerror(*err));
		goto fail;
	}
	s->w = recwriter_new(outfile_fd(s->out), err);
	if (!s->w)
		goto fail_report_out;
	s->sink = sink_recording(s->w);
	if (opt->tap.ops && sink_tee(s->sink, opt->tap, &s->sink)) {
		*err = -ENOMEM;
		goto fail_report;
	}
	*err = -ENOMEM; /* set before each jump: a failed start never
			 * reports success */
	bpf_start(s);
	wo.bpf = s->bpf;
	s->frames = frames_new(s->sink);
	s->world = world_new(&wo, s->sink);
	if (!s->frames || !s->world)
		goto fail_report;
	if (opt->offcpu) {
		uint32_t id;

		*err = frames_id(s->frames, FK_UNKNOWN,
				 "[off-cpu: stack not sampled]", "", &id);
		if (*err || !(s->off = offcpu_new(s->sink, id)))
			goto fail_report;
		*err = -ENOMEM;
	}
	if (opt->ev.kernel) {
		/* ~60 ms: read before sampling starts, not in the middle */
		ksyms = kallsyms_load("/proc/kallsyms", err);
		if (!ksyms)
			fl_warn("/proc/kallsyms", "%s: kernel frames will show "
				"as [kernel]", flamer_strerror(*err));
	}
	s->stacks = stacks_new(&so, s->frames, ksyms);
	if (!s->stacks) {
		*err = -ENOMEM;
		goto fail_report;
	}
	s->t0_ns = now_ns();
	s->t0_wall = (uint64_t)time(NULL);
	write_meta(s);
	*err = 0;
	return s;
fail_report_out:
	fl_error(opt->output, "%s", flamer_strerror(*err));
	goto fail;
fail_report:
	fl_error("record", "%s", flamer_strerror(*err));
fail:
	if (s)
		session_abort(s);
	return NULL;
}

/* Takes the progress line off the terminal (ttyfwd's clear callback). */
static void clear_progress(void *arg)
{
	struct session *s = arg;

	if (s->progress_shown)
		fputs("\r\033[K", stderr);
	s->progress_shown = 0;
}

static void session_free(struct session *s)
{
	ttyfwd_free(s->tty, clear_progress, s);
	s->tty = NULL;
	order_free(s->order);
	stacks_free(s->stacks);
	world_free(s->world);
	frames_free(s->frames);
	recwriter_free(s->w);
	sink_tee_free(s->sink);
	events_free(s->ev);
	for (int i = 0; i < s->noff; i++)
		events_free(s->offev[i]);
	events_free(s->swev);
	pybpf_free(s->bpf); /* after the events it is attached to */
	pypend_free(s->pend);
	offcpu_free(s->off);
	if (s->pidfd >= 0)
		close(s->pidfd);
	free(s);
}

void session_abort(struct session *s)
{
	outfile_abort(s->out);
	session_free(s);
}

static void perm_advice(const char *what)
{
	int paranoid = -1;
	FILE *f = fopen("/proc/sys/kernel/perf_event_paranoid", "re");

	if (f) {
		if (fscanf(f, "%d", &paranoid) != 1)
			paranoid = -1;
		fclose(f);
	}
	fl_error(what, "not permitted to profile it (perf_event_paranoid is "
		       "%d): profile your own processes, or run as root or "
		       "with CAP_PERFMON and CAP_SYS_PTRACE, or lower "
		       "kernel.perf_event_paranoid", paranoid);
}

/* Opens events for every thread of pid, rescanning until no new thread
 * appears (threads created meanwhile are inherited only from threads that
 * already had events). */
struct attach_ctx {
	struct session *s;
	pid_t pid;
	int added;
};

static int attach_one(void *ctx, pid_t tid)
{
	struct attach_ctx *a = ctx;
	int err;

	if (world_has_thread(a->s->world, tid))
		return 0;
	err = world_add_thread(a->s->world, a->pid, tid);
	if (!err)
		err = events_add_thread(a->s->ev, tid, false);
	if (!err && a->s->swev)
		err = events_add_thread(a->s->swev, tid, false);
	for (int i = 0; !err && i < a->s->noff; i++)
		err = events_add_thread(a->s->offev[i], tid, false);
	if (err == -ESRCH)
		return 0; /* it just exited */
	if (!err)
		a->added++;
	return err;
}

static int attach_threads(struct session *s, pid_t pid)
{
	struct attach_ctx a = { s, pid, 0 };
	int err = 0, any = 0;

	for (int round = 0; round < 100; round++) {
		a.added = 0;
		err = procfs_foreach_task(pid, attach_one, &a);
		if (err == -ESRCH)
			return any ? 0 : -FE_NO_TARGET;
		any |= a.added > 0;
		if (err || !a.added)
			break;
	}
	return err;
}

/* A context switch happens in the kernel: without kernel sampling the
 * context-switch event never fires, and --off-cpu would silently record
 * nothing. */
static int offcpu_check(struct session *s)
{
	if (!s->noff || !events_kernel_refused(s->offev[0]))
		return 0;
	fl_error("--off-cpu", "needs kernel sampling, refused by the kernel "
		 "(perf_event_paranoid > 1): run as root, grant CAP_PERFMON, "
		 "or set kernel.perf_event_paranoid to 1");
	return -EACCES;
}

static void note_kernel_refused(struct session *s)
{
	if (events_kernel_refused(s->ev))
		fl_warn("record", "kernel stacks refused by the kernel "
			"(perf_event_paranoid > 1, no CAP_PERFMON): recording "
			"user stacks only");
}

/* Once the events are open: the kernel-stack note, the off-CPU check,
 * then sampling starts.  0 or negative (reported). */
static int start_events(struct session *s)
{
	int err;

	note_kernel_refused(s);
	err = offcpu_check(s);
	if (!err)
		err = events_enable(s->ev);
	if (!err && s->swev)
		err = events_enable(s->swev);
	if (!err && s->noff)
		err = events_enable(s->offev[0]); /* every switch, at first */
	return err;
}

/* --off-cpu -p: threads blocked since before the attach have no
 * switch-out to sample; read them before the events start, open their
 * intervals once they have (blocked.h). */
static int start_with_blocked(struct session *s, pid_t pid)
{
	struct blocked *b = NULL;
	int err, n;

	if (!events_kernel_refused(s->offev[0])) {
		b = blocked_read(pid, s->world, s->stacks, s->frames);
		if (!b)
			return -ENOMEM;
	}
	err = start_events(s);
	if (!err && b) {
		n = blocked_commit(b, s->off, now_ns() - s->t0_ns);
		if (n < 0)
			err = n;
		else
			s->blocked_at_start = (unsigned)n;
	}
	blocked_free(b);
	return err;
}

int session_attach(struct session *s, pid_t pid)
{
	int err;

	if (!procfs_exists(pid)) {
		fl_error("-p", "%d: no such process", (int)pid);
		return -FE_NO_TARGET;
	}
	if (procfs_is_kthread(pid)) {
		fl_error("-p", "%d is a kernel thread: kernel threads have no "
			       "user stacks to profile",
			 (int)pid);
		return -FE_KTHREAD;
	}
	s->target = pid;
	s->pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	meta_target(s, pid, NULL);
	err = world_add_process(s->world, pid, 0);
	if (!err)
		err = attach_threads(s, pid);
	if (err == -EACCES || err == -EPERM) {
		char what[32];

		snprintf(what, sizeof what, "pid %d", (int)pid);
		perm_advice(what);
		return err;
	}
	if (err == -FE_NO_TARGET) {
		fl_error("-p", "%d: no such process", (int)pid);
		return err;
	}
	if (err) {
		fl_error("record", "cannot open perf events: %s",
			 flamer_strerror(err));
		return err;
	}
	return s->off ? start_with_blocked(s, pid) : start_events(s);
}

int session_all(struct session *s)
{
	int err;

	s->all = 1;
	err = events_add_cpus(s->ev);
	if (!err && s->swev)
		err = events_add_cpus(s->swev);
	for (int i = 0; !err && i < s->noff; i++)
		err = events_add_cpus(s->offev[i]);
	if (err == -EACCES || err == -EPERM) {
		fl_error("-a", "system-wide sampling not permitted: run as root, "
			 "grant CAP_PERFMON, or set kernel.perf_event_paranoid "
			 "to 0 or lower");
		return err;
	}
	if (err) {
		fl_error("record", "cannot open perf events: %s",
			 flamer_strerror(err));
		return err;
	}
	return start_events(s);
}

/* argv[0] as execvp would find it, or NULL. */
static int find_in_path(const char *cmd)
{
	const char *path = getenv("PATH");
	char buf[4096];

	if (strchr(cmd, '/'))
		return access(cmd, X_OK) == 0 ? 0 : -errno;
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	while (*path) {
		size_t n = strcspn(path, ":");

		snprintf(buf, sizeof buf, "%.*s/%s", (int)n, path, cmd);
		if (access(buf, X_OK) == 0)
			return 0;
		path += n + (path[n] == ':');
	}
	return -ENOENT;
}

int session_launch(struct session *s, char *const argv[])
{
	int go[2], errp[2], err, child_err = 0;
	pid_t pid;
	char c = 1;

	err = find_in_path(argv[0]);
	if (err) {
		fl_error(argv[0], "cannot run: %s", flamer_strerror(err));
		return -FE_NO_TARGET;
	}
	if (pipe2(go, O_CLOEXEC) || pipe2(errp, O_CLOEXEC))
		return -errno;
	/* with a progress line, the command's terminal output passes
	 * through flamer, which clears the line first */
	if (s->opt.progress)
		s->tty = ttyfwd_new();
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		ttyfwd_child(s->tty);
		close(go[1]);
		close(errp[0]);
		signal(SIGPIPE, SIG_DFL);
		if (read(go[0], &c, 1) != 1)
			_exit(127); /* the recorder gave up */
		execvp(argv[0], argv);
		err = errno;
		if (write(errp[1], &err, sizeof err) < 0)
			_exit(127);
		_exit(127);
	}
	close(go[0]);
	close(errp[1]);
	ttyfwd_parent(s->tty);
	s->target = pid;
	s->launched = 1;
	meta_target(s, pid, argv);
	s->pidfd = -1;
	err = world_add_process(s->world, pid, getpid());
	if (!err)
		err = world_add_thread(s->world, pid, pid);
	if (!err)
		err = events_add_thread(s->ev, pid, true);
	if (!err && s->swev)
		err = events_add_thread(s->swev, pid, true);
	/* every switch sampled from the exec on; sparser sets wait */
	for (int i = 0; !err && i < s->noff; i++)
		err = events_add_thread(s->offev[i], pid, i == 0);
	if (!err && s->noff && offcpu_check(s))
		err = -FE_UNSUPPORTED; /* reported */
	if (err) {
		close(go[1]);
		close(errp[0]);
		waitpid(pid, NULL, 0);
		if (err == -FE_UNSUPPORTED)
			err = -EACCES;
		else if (err == -EACCES || err == -EPERM)
			perm_advice(argv[0]);
		else
			fl_error("record", "cannot open perf events: %s",
				 flamer_strerror(err));
		return err;
	}
	if (write(go[1], &c, 1) != 1)
		err = -errno;
	close(go[1]);
	if (read(errp[0], &child_err, sizeof child_err) == sizeof child_err) {
		fl_error(argv[0], "cannot run: %s", strerror(child_err));
		waitpid(pid, NULL, 0);
		err = -FE_NO_TARGET;
	}
	close(errp[0]);
	if (!err)
		note_kernel_refused(s);
	return err;
}

/* waitpid that is not cut short by a signal (a second SIGINT from timeout(1)
 * or a terminal would otherwise leave the child unreaped). */
static void reap(pid_t pid)
{
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
}

static int target_alive(struct session *s)
{
	int status;

	if (s->all)
		return 1;
	if (s->launched) {
		pid_t r = waitpid(s->target, &status, WNOHANG);

		return r == 0;
	}
	if (s->pidfd >= 0) {
		struct pollfd p = { .fd = s->pidfd, .events = POLLIN };

		return poll(&p, 1, 0) == 0;
	}
	return kill(s->target, 0) == 0 || errno != ESRCH;
}

static void progress(struct session *s, double elapsed)
{
	if (s->tty_mid_line)
		return; /* the command's prompt or partial line stays intact */
	s->progress_shown = 1;
	if (s->opt.duration > 0)
		fprintf(stderr, "\rflamer: recording %.1f/%.0f s, %llu samples\033[K",
			elapsed, s->opt.duration,
			(unsigned long long)stacks_stats(s->stacks)->samples);
	else
		fprintf(stderr, "\rflamer: recording %.1f s, %llu samples "
				"(Ctrl-C to stop)\033[K",
			elapsed, (unsigned long long)stacks_stats(s->stacks)->samples);
}

/* The recorder must drain the rings faster than a busy target fills them:
 * at normal priority it gets 1/201 of the CPUs next to 200 busy threads and
 * loses most samples.  When allowed (root, CAP_SYS_NICE), it runs at the
 * lowest real-time priority: it still sleeps in poll() between batches and
 * uses only the CPU the sampling needs, and the kernel's RT throttling
 * (sched_rt_runtime_us) bounds it.  SCHED_RESET_ON_FORK: nothing the
 * recorder starts inherits it.  FLAMER_NO_RT=1 turns this off. */
static void raise_priority(void)
{
	struct sched_param sp = { .sched_priority = 1 };
	if (getenv_on("FLAMER_NO_RT"))
		return;
	if (sched_setscheduler(0, SCHED_FIFO | SCHED_RESET_ON_FORK, &sp) != 0)
		return; /* not permitted: stay at normal priority */
}

static void drop_priority(void)
{
	struct sched_param sp = { .sched_priority = 0 };

	sched_setscheduler(0, SCHED_OTHER, &sp);
}

/* The CPython frames the BPF program read as the thread of off-CPU
 * sample ev left the CPU, or NULL.  An Erlang VM's record is not used
 * there (its registers are the scheduler's, not the thread's user ones):
 * its off-CPU samples keep their live reads. */
static const struct ev_pystack *offcpu_pystack(struct session *s,
					       const struct event *ev)
{
	const struct ev_pystack *py = s->pend ? pypend_take(s->pend, ev) : NULL;

	return py && py->status < BEAMBPF_OK ? py : NULL;
}

/* Receives the events of every source in time order: process changes go
 * to the world, samples through the stack builder to the sink. */
static int deliver(void *ctx, const struct event *ev)
{
	struct session *s = ctx;
	struct rec_sample out;
	struct wproc *p;
	uint64_t t;
	int err;

	/* -a: the recorder does not profile itself (its reading of other
	 * processes would feed back into what it records) */
	if (s->all && (ev->kind == EV_SAMPLE || ev->kind == EV_OFFCPU ||
		       ev->kind == EV_SWITCH) && ev->pid == (uint32_t)s->self)
		return 0;
	switch (ev->kind) {
	case EV_PYSTACK:
		return s->pend ? pypend_put(s->pend, ev) : 0;
	case EV_SAMPLE:
		err = world_prepare_sample(s->world, ev, &p);
		if (!err)
			err = stacks_build_py(s->stacks, p, ev,
					      pypend_take(s->pend, ev), s->t0_ns,
					      &out);
		return err ? err : s->sink.ops->sample(s->sink.ctx, &out);
	case EV_OFFCPU:
		/* a task past its exit (do_task_dead) is reported as tid -1:
		 * its last switch is no wait */
		if (ev->tid == (uint32_t)-1)
			return 0;
		err = world_prepare_sample(s->world, ev, &p);
		/* one sample for a whole interval: no negative lookup cache */
		if (!err)
			pywalker_recheck(wproc_python(p), (pid_t)ev->tid);
		if (!err)
			err = stacks_build_py(s->stacks, p, ev,
					      offcpu_pystack(s, ev), s->t0_ns,
					      &out);
		/* the switches this sample stands for: the kernel's period
		 * (frequency mode) or --off-cpu-every's */
		s->off_taken++;
		return err ? err : offcpu_out(s->off, &out, ev->u.sample.period);
	case EV_SWITCH:
		if (!s->off)
			return 0;
		t = ev->time > s->t0_ns ? ev->time - s->t0_ns : 0;
		return ev->u.sw.out ? offcpu_switch_out(s->off, ev->pid, ev->tid, t)
				    : offcpu_in(s->off, ev->tid, t);
	case EV_LOST:
		/* lost switch records may hide a switch-in: drop what is
		 * open; a lost sample only costs a stack */
		if (s->off && !ev->u.lost.samples_only)
			offcpu_lost(s->off);
		s->lost += ev->u.lost.count;
		t = ev->time ? ev->time : now_ns();
		return s->sink.ops->lost(s->sink.ctx,
					 t > s->t0_ns ? t - s->t0_ns : 0,
					 ev->u.lost.count);
	default:
		if (ev->kind == EV_FORK && s->off)
			offcpu_fork(s->off, ev->tid);
		if (ev->kind == EV_EXIT && s->off) {
			err = offcpu_exit(s->off, ev->tid);
			if (err)
				return err;
		}
		return world_apply(s->world, ev);
	}
}

/* The rings become sources of the merge once they exist (after the
 * first thread got its events). */
static int add_sources_of(struct session *s, struct events *ev)
{
	struct decode_layout l;
	int err = 0;

	events_layout(ev, &l);
	for (size_t i = 0; i < events_nrings(ev) && !err; i++) {
		struct ring *r = events_ring(ev, i);
		struct source src;

		if (!r)
			continue;
		err = source_perf_new(r, &l, &src);
		if (!err)
			err = order_add(s->order, src);
	}
	return err;
}

/* The BPF program is used only if every event got it (else samples of
 * threads whose events lack it would have no Python frames at all). */
static int add_bpf_source(struct session *s)
{
	struct source src;
	int err = events_bpf_error(s->ev);

	if (!s->bpf)
		return 0;
	if (err) {
		s->bpf_err = err;
		world_drop_bpf(s->world);
		events_set_bpf(s->ev, -1);
		return 0;
	}
	err = source_bpf_new(s->bpf, &src);
	return err ? err : order_add(s->order, src);
}

static int add_sources(struct session *s)
{
	int err = add_bpf_source(s);

	if (!err)
		err = add_sources_of(s, s->ev);

	if (!err && s->swev)
		err = add_sources_of(s, s->swev);
	for (int i = 0; !err && i < s->noff; i++)
		err = add_sources_of(s, s->offev[i]);
	return err;
}

/* Whether thread tid of pid still exists (for intervals open at the end). */
static int thread_alive(uint32_t pid, uint32_t tid)
{
	char path[64];

	snprintf(path, sizeof path, "/proc/%u/task/%u", pid, tid);
	return access(path, F_OK) == 0;
}

/* The adaptive bound (docs/offcpu.md): every 20 ms, the rate of
 * switch-out samples decides which sampling set is on: the densest whose
 * expected rate (switches seen per second / its period) stays within
 * --off-cpu-rate; back to a denser one only below half of it. */
static void off_level(struct session *s, uint64_t now)
{
	double secs = (double)(now - s->off_check_ns) / 1e9, switches;
	uint64_t rate = s->opt.offcpu_rate;
	int to = s->level;

	if (!s->off_check_ns || secs < 0.02) {
		if (!s->off_check_ns)
			s->off_check_ns = now;
		return;
	}
	switches = (double)(s->off_taken - s->off_check_taken) *
		   (double)off_periods[s->level] / secs;
	s->off_check_ns = now;
	s->off_check_taken = s->off_taken;
	while (to + 1 < s->noff && switches / (double)off_periods[to] > (double)rate)
		to++;
	while (to > 0 && switches / (double)off_periods[to - 1] < (double)rate / 2)
		to--;
	if (to == s->level)
		return;
	/* off first, then on: a switch is never sampled by both */
	events_disable(s->offev[s->level]);
	if (events_enable(s->offev[to]) == 0)
		s->level = to;
	if (s->level > s->max_level)
		s->max_level = s->level;
	else
		events_enable(s->offev[s->level]);
	s->level_changes++;
}

int session_run(struct session *s)
{
	uint64_t last_flush = now_ns(), last_progress = 0, end_ns;
	uint64_t last_tick = now_ns();
	int err = 0, rc;

	/* a stop asked for during set-up (Ctrl-C while attaching) stands:
	 * the loop ends at once with what was recorded */
	err = add_sources(s);
	if (err)
		return err;
	raise_priority();
	for (;;) {
		uint64_t now = now_ns();
		double elapsed = (double)(now - s->t0_ns) / 1e9;

		if (stop_requested) {
			s->interrupted = 1;
			break;
		}
		if (s->opt.duration > 0 && elapsed >= s->opt.duration)
			break;
		if (!target_alive(s)) {
			s->target_exited = 1;
			break;
		}
		ttyfwd_pump(s->tty, clear_progress, s, &s->tty_mid_line);
		/* forwarding output: wake often so the command never waits;
		 * the off-CPU rings fill faster than the cpu-clock ones that
		 * wake us: look at them every 10 ms; so too when a wake-up
		 * takes several samples, for a ring that fills slowly (the
		 * live reads of a sample must not come late) */
		events_wait(s->ev, s->noff || events_wake_samples(s->ev) > 1
					   ? 10 : s->tty ? 20 : 100);
		rc = order_round(s->order, 0, deliver, s);
		if (rc < 0) {
			err = rc;
			break;
		}
		if (s->noff > 1)
			off_level(s, now_ns());
		if (now - last_flush > 1000000000ull) {
			err = recwriter_flush(s->w);
			if (err)
				break;
			last_flush = now;
		}
		if (s->opt.tick && now - last_tick >= 1000000000ull) {
			last_tick += 1000000000ull;
			err = s->opt.tick(s->opt.tick_ctx, elapsed);
			if (err)
				break;
		}
		if (s->opt.progress && now - last_progress > 250000000ull) {
			progress(s, elapsed);
			last_progress = now;
		}
	}
	end_ns = s->end_ns = now_ns();
	events_disable(s->ev);
	for (int i = 0; i < s->noff; i++)
		events_disable(s->offev[i]);
	if (s->swev)
		events_disable(s->swev);
	if (!err) {
		/* drain what is left in the rings */
		rc = order_round(s->order, 1, deliver, s);
		if (rc < 0)
			err = rc;
	}
	if (!err && s->off) {
		/* threads still off the CPU: until the end, at least */
		err = offcpu_flush(s->off, end_ns - s->t0_ns, thread_alive);
	}
	drop_priority();
	clear_progress(s);
	if (s->launched && !s->target_exited) {
		/* like perf: a launched command does not outlive its profile */
		kill(s->target, SIGTERM);
		reap(s->target);
	}
	/* the command's last words, before flamer's summary */
	ttyfwd_free(s->tty, NULL, NULL);
	s->tty = NULL;
	return err;
}

static void human_size(uint64_t n, char *buf, size_t len)
{
	if (n >= 10u << 20)
		snprintf(buf, len, "%.1f MiB", (double)n / (1 << 20));
	else if (n >= 10u << 10)
		snprintf(buf, len, "%.1f KiB", (double)n / (1 << 10));
	else
		snprintf(buf, len, "%llu bytes", (unsigned long long)n);
}

/* Source lines of the code locations (srclines.h), once the samples are
 * safe on disk; a second Ctrl-C stops the look-up. */
static int source_lines(struct session *s)
{
	struct srclines_stats ls;
	uint64_t t = now_ns();
	int err = recwriter_flush(s->w);

	stop_requested = 0;
	if (s->opt.no_source_lines || getenv_on("FLAMER_NO_LINES"))
		return err;
	if (!err && s->opt.progress)
		fputs("\rflamer: looking up source lines (Ctrl-C skips)\033[K",
		      stderr);
	if (!err)
		err = srclines_write(s->frames, s->world, s->sink,
				     &stop_requested, &ls);
	if (s->opt.progress)
		fputs("\r\033[K", stderr);
	if (err)
		return err;
	recwriter_count(s->w, "locations", ls.locs);
	recwriter_count(s->w, "locations-with-lines", ls.with_lines);
	recwriter_count(s->w, "lines-lookup-ns", now_ns() - t);
	if (ls.stopped)
		fl_note("record", "source lines: stopped, %llu of %llu code "
			"locations have them",
			(unsigned long long)ls.with_lines,
			(unsigned long long)ls.locs);
	return 0;
}

int session_finish(struct session *s, int run_err)
{
	struct rec_end e = { 0 };
	int err = run_err, code = FLAMER_EXIT_OK;
	char size[32], kept[80] = "";
	uint64_t bytes;
	double secs = (double)(now_ns() - s->t0_ns) / 1e9;
	const struct stack_stats *st = stacks_stats(s->stacks);

	e.samples = st->samples;
	e.lost = s->lost;
	e.threads = (uint32_t)world_threads_sampled(s->world);
	e.status = (s->interrupted ? REC_END_INTERRUPTED : 0) |
		   (s->target_exited ? REC_END_TARGET_EXITED : 0);
	if (!s->end_ns)
		s->end_ns = now_ns();
	if (!err)
		err = source_lines(s);
	if (!err) {
		recwriter_count(s->w, "truncated-stacks", st->truncated);
		recwriter_count(s->w, "python-merged", st->py_merged);
		recwriter_count(s->w, "python-ambiguous", st->py_ambiguous);
		recwriter_count(s->w, "python-invalid", st->py_invalid);
		recwriter_count(s->w, "python-cut", st->py_cut);
		recwriter_count(s->w, "python-bpf", st->py_bpf);
		recwriter_count(s->w, "python-unread", st->py_unread);
		recwriter_count(s->w, "python-unnamed", st->py_unnamed);
		recwriter_count(s->w, "python-unconfirmed",
				st->py_unconfirmed);
		recwriter_count(s->w, "erlang-bpf", st->beam_bpf);
		recwriter_count(s->w, "erlang-unread", st->beam_unread);
		recwriter_count(s->w, "erlang-processes", st->beam_procs);
		recwriter_count(s->w, "erlang-dirty", st->beam_dirty);
		recwriter_count(s->w, "erlang-chain-mismatch",
				st->beam_mismatch);
		recwriter_count(s->w, "erlang-unconfirmed",
				st->beam_unconfirmed);
		recwriter_count(s->w, "duration-ns", s->end_ns - s->t0_ns);
		err = recwriter_end(s->w, &e);
	}
	if (!err)
		err = recwriter_flush(s->w);
	bytes = recwriter_bytes(s->w);
	if (err && recwriter_samples_written(s->w) == 0) {
		/* nothing worth keeping: leave any previous file alone */
		fl_error(outfile_path(s->out), "write failed: %s; no sample "
			 "was written, the file is left as it was",
			 flamer_strerror(err));
		outfile_abort(s->out);
		code = FLAMER_EXIT_FAIL;
	} else if (err) {
		/* keep what was written: every whole block is readable */
		fl_error(outfile_path(s->out), "write failed: %s; recording "
			 "stopped, what was written is kept",
			 flamer_strerror(err));
		err = outfile_keep(s->out);
		if (err)
			fl_error(outfile_path(s->out), "cannot keep it: %s",
				 flamer_strerror(err));
		code = err ? FLAMER_EXIT_FAIL : FLAMER_EXIT_PARTIAL;
		snprintf(kept, sizeof kept, " (it holds the first %llu samples)",
			 (unsigned long long)recwriter_samples_written(s->w));
	} else {
		err = outfile_commit(s->out);
		if (err) {
			fl_error(outfile_path(s->out), "%s", flamer_strerror(err));
			code = FLAMER_EXIT_FAIL;
		}
	}
	s->out = NULL;
	human_size(bytes, size, sizeof size);
	if (code != FLAMER_EXIT_FAIL)
		fprintf(stderr, "flamer: %llu samples, %llu threads, %llu lost, "
				"%.1f s, %s written to %s%s\n",
			(unsigned long long)st->samples,
			(unsigned long long)world_threads_sampled(s->world),
			(unsigned long long)s->lost, secs, size,
			s->opt.output, kept);
	if (st->truncated && !fl_quiet)
		fprintf(stderr, "flamer: %llu stacks could not be unwound to "
				"their root and end in [truncated]\n",
			(unsigned long long)st->truncated);
	if ((st->py_merged || st->py_ambiguous || st->py_invalid ||
	     st->py_unconfirmed) && !fl_quiet) {
		fprintf(stderr, "flamer: Python stacks: %llu merged, %llu "
				"ambiguous (Python frames on top), %llu "
				"[invalid]",
			(unsigned long long)st->py_merged,
			(unsigned long long)st->py_ambiguous,
			(unsigned long long)st->py_invalid);
		if (st->py_unconfirmed) /* late reads (no BPF) */
			fprintf(stderr, ", %llu not confirmed by the sample "
					"([python?] in place of frames read "
					"after it)",
				(unsigned long long)st->py_unconfirmed);
		fputc('\n', stderr);
	}
	if (st->py_cut && !fl_quiet)
		fprintf(stderr, "flamer: %llu Python stacks were deeper than "
				"%d frames: the leaf-most %d are kept, then "
				"[truncated]\n", (unsigned long long)st->py_cut,
			s->bpf ? PYBPF_MAX_FRAMES : STACK_MAX_PY_FRAMES,
			s->bpf ? PYBPF_MAX_FRAMES : STACK_MAX_PY_FRAMES);
	if (st->py_bpf && !fl_quiet)
		fprintf(stderr, "flamer: Python frames read at the sample "
				"(BPF) in %llu samples; %llu samples without "
				"them (taken before the process was known, or "
				"the BPF ring was full: %llu), %llu cut at "
				"%d frames, %llu with a code object gone "
				"before it was named ([invalid])\n",
			(unsigned long long)st->py_bpf,
			(unsigned long long)st->py_unread,
			(unsigned long long)(s->bpf ? pybpf_dropped(s->bpf) : 0),
			(unsigned long long)st->py_cut, PYBPF_MAX_FRAMES,
			(unsigned long long)st->py_unnamed);
	if (st->beam_bpf && !fl_quiet)
		fprintf(stderr, "flamer: Erlang frames read at the sample "
				"(BPF) in %llu samples (%llu with their Erlang "
				"process); %llu samples without them (taken "
				"before the VM was known, or the BPF ring was "
				"full), %llu chains not starting at the frame "
				"the unwinder reached (left out, [truncated])\n",
			(unsigned long long)st->beam_bpf,
			(unsigned long long)st->beam_procs,
			(unsigned long long)st->beam_unread,
			(unsigned long long)st->beam_mismatch);
	if (st->beam_unconfirmed && !fl_quiet)
		fprintf(stderr, "flamer: Erlang stacks read from the live "
				"process: %llu not confirmed by the sample "
				"([erlang?] in place of their Erlang frames)\n",
			(unsigned long long)st->beam_unconfirmed);
	if (s->bpf_err && world_python_count(s->world))
		bpf_off_note(s->bpf_err);
	if (s->off && !fl_quiet) {
		const struct offcpu_stats *os = offcpu_stats(s->off);

		fprintf(stderr, "flamer: off-CPU: %llu intervals (%llu without "
				"a stack), %.3f s in all (%.3f s of it shared "
				"among sampled stacks, %.3f s not sampled); %llu "
				"dropped (switch-in not seen)\n",
			(unsigned long long)os->intervals,
			(unsigned long long)os->unsampled,
			(double)os->total_us / 1e6,
			(double)os->shared_us / 1e6,
			(double)os->marker_us / 1e6,
			(unsigned long long)os->unmatched);
		if (s->level_changes)
			fprintf(stderr, "flamer: off-CPU: the switches came "
					"faster than --off-cpu-rate %llu/s: stacks "
					"of down to 1 switch in %llu for part of "
					"the time (%llu changes)\n",
				(unsigned long long)s->opt.offcpu_rate,
				(unsigned long long)off_periods[s->max_level],
				(unsigned long long)s->level_changes);
		if (s->blocked_at_start)
			fprintf(stderr, "flamer: off-CPU: %u thread%s blocked "
					"since before the attach, read once then\n",
				s->blocked_at_start,
				s->blocked_at_start == 1 ? "" : "s");
	}
	world_warn_missing_jit(s->world);
	if (!fl_quiet)
		world_warn_bad_maps(s->world);
	if (source_perf_corrupt())
		fl_warn("record", "%llu malformed perf records skipped",
			(unsigned long long)source_perf_corrupt());
	if (code == FLAMER_EXIT_OK && !st->samples) {
		/* not an error, but nothing to draw: say so, and say it in the
		 * exit code so scripts do not render an empty profile */
		fprintf(stderr, "flamer: no samples were taken: the target "
				"used no CPU while it was recorded (it was idle "
				"or waiting); exit code %d\n",
			FLAMER_EXIT_NO_SAMPLES);
		code = FLAMER_EXIT_NO_SAMPLES;
	}
	session_free(s);
	return code;
}
