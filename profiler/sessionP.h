/* sessionP.h - private body of struct session (see session.h). */
#ifndef FLAMER_PROFILER_SESSIONP_H
#define FLAMER_PROFILER_SESSIONP_H

#include "session.h"
#include "events.h"
#include "frames.h"
#include "recwriter.h"
#include "ttyfwd.h"
#include "../common/intern.h"
#include "../common/outfile.h"
#include "../unwind/addrspace.h"
#include "../unwind/kallsyms.h"

#include <linux/perf_event.h>

struct pywalker;
struct perfmap;

struct proc {
	pid_t pid, ppid;
	uint64_t asid;         /* unique per address space (new on exec) */
	char comm[64];
	struct addrspace *as;
	struct pywalker *py;   /* NULL when not CPython */
	int py_checked;        /* detection done for this asid */
	struct perfmap *jit;   /* /tmp/perf-PID.map, NULL when absent */
	uint64_t jit_checked;   /* ms of the last look for a perf map */
	int beam_warned;
	int exited;
	uint64_t maps_reloaded; /* ns of the last /proc/PID/maps re-read */
};

struct thread {
	pid_t pid, tid;
	char comm[32];
	int sampled;
};

struct session {
	struct record_options opt;
	struct outfile *out;
	struct recwriter *w;
	struct events *ev;
	struct frames *frames;
	struct kallsyms *ksyms; /* NULL without kernel stacks or kallsyms */
	/* pid -> proc, tid -> thread: intern ids index the arrays */
	struct intern *pids, *tids;
	struct proc **procs;
	struct thread **threads;
	size_t cap_procs, cap_threads;
	uint64_t next_asid;
	pid_t target;          /* attached or launched process */
	int launched;
	int target_exited;
	struct ttyfwd *tty;    /* launched command's terminal output, or NULL */
	int progress_shown;    /* the progress line is on the terminal */
	int tty_mid_line;      /* the command left a line unfinished */
	int pidfd;
	uint64_t t0_ns;        /* CLOCK_MONOTONIC at start */
	uint64_t t0_wall;
	/* statistics */
	uint64_t samples, lost, truncated, py_ambiguous, py_invalid, py_merged;
	uint64_t nthreads_sampled;
	int write_err;
	int interrupted;
	/* scratch for building a sample */
	uint32_t *ids;
	size_t ids_cap;
	uint64_t *pcs;
};

/* The record handler given to events_read (samples.c). */
int session_handle(void *ctx, const struct perf_event_header *h);

/* Process and thread tables (procs.c). */
struct proc *session_proc(struct session *s, pid_t pid, int create);
struct thread *session_thread(struct session *s, pid_t pid, pid_t tid,
			      int create);
int session_new_process(struct session *s, pid_t pid, pid_t ppid,
			const struct proc *parent);
void session_free_tables(struct session *s);
uint64_t session_now_ns(void);

/* Whether a function name is where a thread's stack starts when unwound
 * to its root: glibc's (or ld.so's) _start for the main thread,
 * clone/clone3 for the others (interp.c). */
int session_is_stack_root(const char *name);

/* Interpreter support hooks (interp.c). */
void session_interp_prepare(struct session *s, struct proc *p);
int session_interp_merge(struct session *s, struct proc *p, pid_t tid,
			 uint32_t *ids, size_t *n, size_t nkernel,
			 uint32_t *flags);

#endif
