/* grab.c - taking a thread's registers, stack and Python frames, with or
 * without stopping it (see dump.h for when each is used). */
#include "dump.h"
#include "../common/error.h"

#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <sys/user.h>
#include <sys/wait.h>
#include <time.h>

static uint64_t mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Copies up to DUMP_STACK_BYTES from sp; a read that ends at the top of
 * the stack mapping is kept as far as it went. */
static int copy_stack(pid_t pid, uint64_t sp, const struct dump_maps *m,
		      struct dump_grab *g)
{
	struct iovec local, remote;
	uint64_t end = dump_maps_end(m, sp);
	size_t max = DUMP_STACK_BYTES;
	ssize_t n;

	if (!g->stack) {
		g->stack = malloc(DUMP_STACK_BYTES);
		if (!g->stack)
			return -ENOMEM;
	}
	g->stack_len = 0;
	if (end > sp && end - sp < max)
		max = (size_t)(end - sp);
	/* a shorter read when the first fails: the stack may end before
	 * the mapping we know of does (it changed meanwhile) */
	for (size_t want = max; want >= 64; want /= 2) {
		local.iov_base = g->stack;
		local.iov_len = want;
		remote.iov_base = (void *)(uintptr_t)sp;
		remote.iov_len = want;
		n = process_vm_readv(pid, &local, 1, &remote, 1, 0);
		if (n > 0) {
			g->stack_len = (size_t)n;
			return 0;
		}
		if (errno == ESRCH)
			return -ESRCH;
		if (errno == EPERM || errno == EACCES)
			return -errno;
	}
	return 0; /* nothing readable at sp: the unwind stops at the pc */
}

static void walk_python(struct pywalker *pw, pid_t tid, struct dump_grab *g)
{
	g->npy = 0;
	g->py_err = 0;
	if (pw)
		g->py_err = pywalker_stack(pw, tid, 1, g->py,
					   sizeof g->py / sizeof g->py[0] - 1,
					   &g->npy);
}

int dump_grab_blocked(pid_t pid, const struct dump_task *t,
		      const struct dump_maps *m, struct pywalker *pw,
		      struct dump_grab *g)
{
	struct dump_task again;
	int err;

	memset(g->regs, 0, sizeof g->regs);
	g->regs[7] = t->sp;
	g->regs[16] = t->pc;
	g->partial_regs = 1;
	g->stopped = 0;
	g->stop_ns = 0;
	g->signal = 0;
	err = copy_stack(pid, t->sp, m, g);
	if (err)
		return err;
	walk_python(pw, t->tid, g);
	/* still blocked at the same place: the copy is the stack it has */
	err = dump_task_read(pid, t->tid, &again);
	if (err)
		return err;
	if (!dump_task_blocked(&again) || again.sp != t->sp ||
	    again.pc != t->pc || again.syscall != t->syscall)
		return -EAGAIN;
	return 0;
}

static void regs_from_user(const struct user_regs_struct *r, uint64_t *d)
{
	d[0] = r->rax; d[1] = r->rdx; d[2] = r->rcx; d[3] = r->rbx;
	d[4] = r->rsi; d[5] = r->rdi; d[6] = r->rbp; d[7] = r->rsp;
	d[8] = r->r8;  d[9] = r->r9;  d[10] = r->r10; d[11] = r->r11;
	d[12] = r->r12; d[13] = r->r13; d[14] = r->r14; d[15] = r->r15;
	d[16] = r->rip;
}

/* Waits for the interrupt stop; a signal arriving first is remembered and
 * handed back at detach. */
static int wait_stop(pid_t tid, int *sig)
{
	int status;

	for (;;) {
		if (waitpid(tid, &status, __WALL) < 0)
			return errno == ECHILD ? -ESRCH : -errno;
		if (WIFEXITED(status) || WIFSIGNALED(status))
			return -ESRCH;
		if (!WIFSTOPPED(status))
			continue;
		if (status >> 16 == PTRACE_EVENT_STOP)
			return 0;
		/* a signal-delivery stop: it goes back at detach */
		*sig = WSTOPSIG(status);
		return 0;
	}
}

int dump_grab_stopped(pid_t tid, const struct dump_maps *m,
		      struct pywalker *pw, struct dump_grab *g)
{
	struct user_regs_struct r;
	uint64_t t0, t1 = 0;
	int err = 0;

	g->partial_regs = 0;
	g->signal = 0;
	g->stopped = 1;
	if (ptrace(PTRACE_SEIZE, tid, 0, 0) < 0)
		return -errno;
	t0 = mono_ns();
	if (ptrace(PTRACE_INTERRUPT, tid, 0, 0) < 0) {
		err = -errno;
		goto out;
	}
	err = wait_stop(tid, &g->signal);
	if (err)
		goto out;
	t1 = mono_ns();
	if (ptrace(PTRACE_GETREGS, tid, 0, &r) < 0) {
		err = -errno;
		goto out;
	}
	regs_from_user(&r, g->regs);
	err = copy_stack(tid, g->regs[7], m, g);
	if (!err)
		walk_python(pw, tid, g);
out:
	ptrace(PTRACE_DETACH, tid, 0, (void *)(uintptr_t)g->signal);
	g->total_ns = mono_ns() - t0;
	g->stop_ns = t1 ? mono_ns() - t1 : g->total_ns;
	return err;
}

void dump_grab_fini(struct dump_grab *g)
{
	free(g->stack);
	g->stack = NULL;
}
