#include "events.h"
#include "decode.h"
#include "../common/vec.h"
#include "../common/error.h"

#include <errno.h>
#include <linux/perf_event.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

struct events {
	struct events_config cfg;
	struct perf_event_attr attr;
	int ncpus;
	int *leader;         /* per CPU: the fd that owns the ring, -1 */
	struct ring **rings; /* per CPU */
	int *fds;
	size_t nfds, cap;
	bool kernel_refused;
	int bpf_fd;          /* program attached to each event, or -1 */
	int bpf_err;         /* first attach failure (negative errno) */
};

static int open_event(struct perf_event_attr *attr, pid_t tid, int cpu)
{
	return (int)syscall(SYS_perf_event_open, attr, tid, cpu, -1,
			    PERF_FLAG_FD_CLOEXEC);
}

/* Samples per wake-up of a sampling event: one per ~4 ms at the
 * sampling frequency, at least 1. */
static uint32_t wake_samples(const struct events_config *cfg)
{
	uint64_t n = cfg->freq / 250;

	return cfg->prompt || n < 1 ? 1 : n > 1000 ? 1000 : (uint32_t)n;
}

static void setup_attr(struct events *ev)
{
	struct perf_event_attr *a = &ev->attr;

	memset(a, 0, sizeof *a);
	a->size = sizeof *a;
	a->type = PERF_TYPE_SOFTWARE;
	a->config = PERF_COUNT_SW_CPU_CLOCK;
	a->freq = 1;
	a->sample_freq = ev->cfg.freq;
	a->sample_type = PERF_SAMPLE_IP | PERF_SAMPLE_TID | PERF_SAMPLE_TIME |
			 PERF_SAMPLE_CPU | PERF_SAMPLE_PERIOD |
			 PERF_SAMPLE_CALLCHAIN;
	a->sample_max_stack = 127;
	if (ev->cfg.unwind != UNWIND_FP) {
		a->sample_type |= PERF_SAMPLE_REGS_USER | PERF_SAMPLE_STACK_USER;
		a->sample_regs_user = EVENTS_REGS_MASK;
		a->sample_stack_user = ev->cfg.stack_size;
		a->exclude_callchain_user = 1;
	}
	a->disabled = 1;
	a->inherit = 1;
	a->exclude_hv = 1;
	a->exclude_kernel = !ev->cfg.kernel;
	a->exclude_callchain_kernel = !ev->cfg.kernel;
	a->mmap = 1;
	a->mmap2 = 1;
	a->build_id = 1; /* MMAP2 carries the build-id (kernel 5.12+) */
	a->mmap_data = 1;
	a->comm = 1;
	a->comm_exec = 1;
	a->task = 1;
	a->sample_id_all = 1;
	if (ev->cfg.switches) {
		/* --off-cpu: the switch records, from a dummy event of their
		 * own, which stays enabled while the session switches the
		 * context-switch sampling sets on and off (a disabled event
		 * writes no records), in rings of their own (they come at
		 * every switch of the target, or of the machine with -a) */
		a->config = PERF_COUNT_SW_DUMMY;
		a->freq = 0;
		a->sample_period = 1;
		a->context_switch = 1;
		a->mmap = a->mmap2 = a->build_id = a->mmap_data = 0;
		a->comm = a->comm_exec = a->task = 0;
	}
	if (ev->cfg.offcpu) {
		/* sampled in the switching-out thread's context: its kernel
		 * stack (schedule and its callers) and user registers */
		a->config = PERF_COUNT_SW_CONTEXT_SWITCHES;
		a->freq = 0;
		a->sample_period = ev->cfg.offcpu_period ? ev->cfg.offcpu_period : 1;
		/* with PERIOD in the sample and a fixed period, the kernel
		 * samples every software event and reports the period
		 * instead of honouring it (perf_swevent_event); the period
		 * is the layout's (decode.h) */
		a->sample_type &= ~(uint64_t)PERF_SAMPLE_PERIOD;
		a->mmap = a->mmap2 = a->build_id = a->mmap_data = 0;
		a->comm = a->comm_exec = a->task = 0;
	}
	a->use_clockid = 1;
	a->clockid = CLOCK_MONOTONIC;
	/* Interpreter stacks (Python, the Erlang stack of a BIF sample) are
	 * read from the live process when the sample is handled: for them,
	 * wake up for every sample (reading 100 ms late mixed up callers).
	 * The deep-frame continuation reads the live stack too (docs/
	 * record.md): other sampling events wake up every few samples, at
	 * most ~4 ms after a sample on a busy CPU (events_wake_samples).  A
	 * wake-up per 64 KiB was ~80 ms late at 99 Hz and cut 15-50% of
	 * bzip2's stacks; one per sample at 4999 Hz cost the target ~18%
	 * (docs/bench.md).  The switch and off-CPU events, which the session
	 * looks at every 10 ms, wake up per 64 KiB. */
	if (ev->cfg.prompt) {
		a->wakeup_events = 1;
	} else if (a->freq) {
		a->wakeup_events = wake_samples(&ev->cfg);
	} else {
		size_t ring = ev->cfg.ring_pages * 4096;

		a->watermark = 1;
		a->wakeup_watermark = (uint32_t)(ring / 4 < 65536 ? ring / 4 : 65536);
	}
}

struct events *events_new(const struct events_config *cfg, int *err)
{
	struct events *ev = calloc(1, sizeof *ev);

	if (!ev) {
		*err = -ENOMEM;
		return NULL;
	}
	ev->cfg = *cfg;
	ev->bpf_fd = -1;
	ev->ncpus = (int)sysconf(_SC_NPROCESSORS_CONF);
	if (ev->ncpus < 1)
		ev->ncpus = 1;
	ev->leader = malloc((size_t)ev->ncpus * sizeof *ev->leader);
	ev->rings = calloc((size_t)ev->ncpus, sizeof *ev->rings);
	if (!ev->leader || !ev->rings) {
		*err = -ENOMEM;
		events_free(ev);
		return NULL;
	}
	for (int i = 0; i < ev->ncpus; i++)
		ev->leader[i] = -1;
	setup_attr(ev);
	return ev;
}

static int push_fd(struct events *ev, int fd)
{
	if (vec_reserve((void **)&ev->fds, &ev->cap, ev->nfds + 1,
			sizeof *ev->fds))
		return -ENOMEM;
	ev->fds[ev->nfds++] = fd;
	return 0;
}

/* Opens one event; falls back to user-only sampling once if the kernel
 * refuses kernel sampling (perf_event_paranoid >= 2 without CAP_PERFMON). */
static int open_one(struct events *ev, pid_t tid, int cpu)
{
	int fd = open_event(&ev->attr, tid, cpu);

	if (fd < 0 && (errno == EACCES || errno == EPERM) &&
	    !ev->attr.exclude_kernel) {
		ev->attr.exclude_kernel = 1;
		ev->attr.exclude_callchain_kernel = 1;
		fd = open_event(&ev->attr, tid, cpu);
		if (fd >= 0)
			ev->kernel_refused = true;
		else {
			int saved = errno;

			ev->attr.exclude_kernel = 0;
			ev->attr.exclude_callchain_kernel = 0;
			errno = saved;
		}
	}
	return fd < 0 ? -errno : fd;
}

static int attach_ring(struct events *ev, int fd, int cpu)
{
	int err = 0;

	if (ev->leader[cpu] >= 0)
		return ioctl(fd, PERF_EVENT_IOC_SET_OUTPUT, ev->leader[cpu]) ?
			       -errno : 0;
	ev->rings[cpu] = ring_new(fd, ev->cfg.ring_pages, &err);
	if (!ev->rings[cpu])
		return err;
	ev->leader[cpu] = fd;
	return 0;
}

/* A failure is remembered, not returned: the recording goes on without
 * the program (the caller falls back and says why). */
static void attach_bpf(struct events *ev, int fd)
{
	if (ev->bpf_fd < 0 || ev->bpf_err)
		return;
	if (ioctl(fd, PERF_EVENT_IOC_SET_BPF, ev->bpf_fd))
		ev->bpf_err = errno ? -errno : -EINVAL;
}

void events_set_bpf(struct events *ev, int prog_fd)
{
	ev->bpf_fd = prog_fd;
}

uint32_t events_wake_samples(const struct events *ev)
{
	return wake_samples(&ev->cfg);
}

void events_set_prompt(struct events *ev, bool prompt)
{
	ev->cfg.prompt = prompt;
	setup_attr(ev);
}

int events_bpf_error(const struct events *ev)
{
	return ev->bpf_err;
}

int events_add_thread(struct events *ev, pid_t tid, bool enable_on_exec)
{
	size_t first = ev->nfds;
	int err = 0;

	ev->attr.enable_on_exec = enable_on_exec;
	for (int cpu = 0; cpu < ev->ncpus; cpu++) {
		int fd = open_one(ev, tid, cpu);

		if (fd == -ENODEV || fd == -EINVAL) {
			if (cpu > 0)
				continue; /* an offline CPU */
		}
		if (fd < 0) {
			err = fd;
			goto fail;
		}
		err = push_fd(ev, fd);
		if (!err)
			err = attach_ring(ev, fd, cpu);
		if (!err)
			attach_bpf(ev, fd);
		if (err) {
			if (ev->nfds == first || ev->fds[ev->nfds - 1] != fd)
				close(fd);
			goto fail;
		}
	}
	ev->attr.enable_on_exec = 0;
	return 0;
fail:
	/* a half-attached thread: close what was opened for it, unless a
	 * ring leader is among them (then keep it; it carries other data) */
	for (size_t i = first; i < ev->nfds; i++) {
		bool is_leader = false;

		for (int c = 0; c < ev->ncpus; c++)
			is_leader |= ev->leader[c] == ev->fds[i];
		if (!is_leader)
			close(ev->fds[i]);
		else
			ev->fds[first++] = ev->fds[i];
	}
	ev->nfds = first;
	ev->attr.enable_on_exec = 0;
	return err;
}

int events_add_cpus(struct events *ev)
{
	int err = 0;

	ev->attr.inherit = 0; /* a per-CPU event sees every task already */
	for (int cpu = 0; cpu < ev->ncpus && !err; cpu++) {
		int fd = open_one(ev, -1, cpu);

		if ((fd == -ENODEV || fd == -EINVAL) && cpu > 0)
			continue; /* an offline CPU */
		if (fd < 0)
			return fd;
		err = push_fd(ev, fd);
		if (err) {
			close(fd);
			break;
		}
		err = attach_ring(ev, fd, cpu);
		if (!err)
			attach_bpf(ev, fd);
	}
	return err;
}

int events_enable(struct events *ev)
{
	for (size_t i = 0; i < ev->nfds; i++)
		if (ioctl(ev->fds[i], PERF_EVENT_IOC_ENABLE, 0) && errno != ESRCH)
			return -errno;
	return 0;
}

void events_disable(struct events *ev)
{
	for (size_t i = 0; i < ev->nfds; i++)
		ioctl(ev->fds[i], PERF_EVENT_IOC_DISABLE, 0);
}

void events_wait(struct events *ev, int timeout_ms)
{
	struct pollfd pfd[256];
	int n = 0;

	for (int c = 0; c < ev->ncpus && n < 256; c++)
		if (ev->leader[c] >= 0)
			pfd[n++] = (struct pollfd){ .fd = ev->leader[c],
						    .events = POLLIN };
	if (timeout_ms > 0 && n > 0)
		poll(pfd, (nfds_t)n, timeout_ms);
	else if (timeout_ms > 0)
		usleep((useconds_t)timeout_ms * 1000);
}

size_t events_nrings(const struct events *ev)
{
	return (size_t)ev->ncpus;
}

struct ring *events_ring(const struct events *ev, size_t i)
{
	return i < (size_t)ev->ncpus ? ev->rings[i] : NULL;
}

const char *events_name(const struct events *ev)
{
	if (ev->attr.type == PERF_TYPE_SOFTWARE &&
	    ev->attr.config == PERF_COUNT_SW_CPU_CLOCK)
		return "cpu-clock";
	if (ev->attr.type == PERF_TYPE_SOFTWARE &&
	    ev->attr.config == PERF_COUNT_SW_TASK_CLOCK)
		return "task-clock";
	if (ev->attr.type == PERF_TYPE_SOFTWARE &&
	    ev->attr.config == PERF_COUNT_SW_CONTEXT_SWITCHES)
		return "context-switches";
	if (ev->attr.type == PERF_TYPE_SOFTWARE &&
	    ev->attr.config == PERF_COUNT_SW_DUMMY)
		return "dummy";
	return "unknown";
}

void events_layout(const struct events *ev, struct decode_layout *l)
{
	l->sample_type = ev->attr.sample_type;
	l->regs_user = ev->attr.sample_regs_user;
	l->sample_id_all = ev->attr.sample_id_all;
	l->offcpu = ev->cfg.offcpu;
	l->offcpu_period = ev->cfg.offcpu ? ev->attr.sample_period : 0;
}

bool events_kernel_refused(const struct events *ev)
{
	return ev->kernel_refused;
}

size_t events_count(const struct events *ev)
{
	return ev->nfds;
}

void events_free(struct events *ev)
{
	if (!ev)
		return;
	for (int c = 0; c < ev->ncpus && ev->rings; c++)
		ring_free(ev->rings[c]);
	for (size_t i = 0; i < ev->nfds; i++)
		close(ev->fds[i]);
	free(ev->fds);
	free(ev->rings);
	free(ev->leader);
	free(ev);
}
