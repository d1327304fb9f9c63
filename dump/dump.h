/* dump.h - `flamer dump`: the current stack of every thread of a process.
 *
 * Private to the dump/ folder.  A thread blocked in a system call is read
 * without stopping it (its pc and sp from /proc/PID/task/TID/syscall, its
 * stack and Python frames from memory, then the syscall file again to
 * check it did not move); a running thread is stopped with PTRACE_SEIZE +
 * PTRACE_INTERRUPT for exactly as long as it takes to copy its registers,
 * its stack and its Python frames, then detached.  Symbolising and
 * unwinding happen after the thread runs again.  docs/dump.md has the
 * reasoning.
 */
#ifndef FLAMER_DUMP_H
#define FLAMER_DUMP_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "../unwind/addrspace.h"
#include "../unwind/python/python.h"

/* syscall field of struct dump_task */
enum {
	DUMP_SC_UNKNOWN = -3, /* /proc/.../syscall not readable */
	DUMP_SC_RUNNING = -2, /* the kernel says "running" */
	DUMP_SC_NONE = -1,    /* blocked, but not in a system call */
};

/* One thread as /proc shows it. */
struct dump_task {
	pid_t tid;
	char name[64];     /* comm, sanitised to printable ASCII */
	char state;        /* stat field 3: R S D T t Z I X, '?' unknown */
	long syscall;      /* >= 0: number of the call it is in; DUMP_SC_* */
	uint64_t args[6];  /* its arguments, when syscall >= 0 */
	uint64_t sp, pc;   /* user sp and pc, when syscall >= -1 */
	char wchan[64];    /* kernel function it waits in, "" if none/unknown */
};

/* Reads stat, syscall and wchan of thread tid of pid.  0; -ESRCH when the
 * thread is gone. */
int dump_task_read(pid_t pid, pid_t tid, struct dump_task *t);

/* Whether the task can be read without stopping it: it is blocked
 * (S, D, I state) and the kernel reported where in user space it is. */
int dump_task_blocked(const struct dump_task *t);

/* "clock_nanosleep" for x86-64 syscall nr, or NULL when not in the table. */
const char *dump_syscall_name(long nr);

/* Kernel stack of a thread from /proc/PID/task/TID/stack, leaf first:
 * function names (without +off/len) copied into names[0..*n).  0; -EACCES
 * or -EPERM when not permitted (root only); -ENOENT without the file. */
int dump_kstack(pid_t pid, pid_t tid, char (*names)[64], size_t max,
		size_t *n);

/* The end of the mapping that contains addr, from a copy of
 * /proc/PID/maps taken once (dump_maps_load), or 0 when none does.  The
 * stack copy stops there: reading on into a neighbouring mapping would
 * copy (and fault in) memory that is not the stack. */
struct dump_maps {
	uint64_t (*range)[2]; /* owned: dump_maps_free */
	size_t n;
};
int dump_maps_load(pid_t pid, struct dump_maps *m); /* 0 or -errno */
uint64_t dump_maps_end(const struct dump_maps *m, uint64_t addr);
void dump_maps_free(struct dump_maps *m);

/* What is taken from a thread: registers (DWARF numbering, unknown ones 0),
 * a copy of its user stack from sp up, its Python frames. */
struct dump_grab {
	uint64_t regs[ADDRSPACE_NREGS];
	unsigned char *stack;   /* owned: dump_grab_fini */
	size_t stack_len;
	struct pyframe py[256];
	size_t npy;
	int py_err;             /* pywalker_stack's return, 0 without one */
	int stopped;            /* 1: read under PTRACE_INTERRUPT */
	uint64_t stop_ns;       /* from the stop seen to resume */
	uint64_t total_ns;      /* from the interrupt to resume: the thread
				 * ran until the kernel stopped it, and the
				 * stop began before the tracer saw it */
	int partial_regs;       /* 1: only sp and pc are known */
	int signal;             /* a signal seen while stopped (re-sent) */
};

/* Reads a blocked thread without stopping it.  pw may be NULL.  Returns 0;
 * -EAGAIN when it moved while read (the caller stops it instead); -ESRCH;
 * -ENOMEM.  g->stack may be allocated whatever it returns: the caller
 * frees it with dump_grab_fini. */
int dump_grab_blocked(pid_t pid, const struct dump_task *t,
		      const struct dump_maps *m, struct pywalker *pw,
		      struct dump_grab *g);

/* Stops thread tid with PTRACE_SEIZE + PTRACE_INTERRUPT, reads registers,
 * stack and Python frames, detaches.  0; -EPERM/-EACCES (ptrace refused);
 * -ESRCH; -ENOMEM. */
int dump_grab_stopped(pid_t tid, const struct dump_maps *m,
		      struct pywalker *pw, struct dump_grab *g);

void dump_grab_fini(struct dump_grab *g);

/* Bytes of user stack copied per thread. */
#define DUMP_STACK_BYTES (256 * 1024)

#endif
