/* events.h - the perf events of one recording.
 *
 * One cpu-clock sampling event per (thread, CPU) with inherit=1, so threads
 * and child processes created later are sampled too (an inherit=1 event
 * with cpu=-1 cannot be mmapped).  All events on a CPU send their records to
 * one ring buffer (PERF_EVENT_IOC_SET_OUTPUT), so a 200-thread target needs
 * 400 fds but only one ring per CPU.  The rings are read as sources
 * (source.h) by the rest of the recorder; see docs/internals.md.
 */
#ifndef FLAMER_PROFILER_EVENTS_H
#define FLAMER_PROFILER_EVENTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "ring.h"

enum unwind_mode {
	UNWIND_FP,    /* the kernel walks frame pointers */
	UNWIND_DWARF, /* registers + stack copy, unwound with CFI by flamer */
	UNWIND_AUTO,  /* registers + stack copy, unwound with CFI where a
		       * module has it, frame pointers where not (JIT) */
};

struct events_config {
	uint64_t freq;        /* samples per second per thread */
	bool kernel;          /* want kernel stacks */
	enum unwind_mode unwind;
	uint32_t stack_size;  /* bytes of user stack copied per sample */
	size_t ring_pages;    /* data pages per CPU ring (power of two) */
	bool prompt;          /* wake the recorder for every sample (for
				 * interpreters, whose stacks are read from
				 * the live process) instead of every
				 * events_wake_samples */
	uint64_t offcpu_period; /* the context-switch event: sample 1
				 * switch-out in N (0: 1) */
	bool switches;        /* a dummy event for PERF_RECORD_SWITCH
			       * records only (--off-cpu) */
	bool offcpu;          /* the context-switch event (--off-cpu): a
				 * sample at every offcpu_period-th
				 * switch-out; no mmap/comm/task or switch
				 * records (the cpu-clock events carry them) */
};

/* The x86-64 user registers sampled for DWARF unwinding, in perf's
 * numbering (AX BX CX DX SI DI BP SP IP and R8..R15). */
#define EVENTS_REGS_MASK 0xff01ffULL
#define EVENTS_NREGS 17

struct events;

/* Returns an empty event set (owned by the caller) or NULL with *err. */
struct events *events_new(const struct events_config *cfg, int *err);

/* Opens the events of thread tid on every CPU, disabled, or enabled at its
 * next exec when enable_on_exec.  Returns 0, -ESRCH when the thread is gone,
 * -EACCES/-EPERM when not permitted (after falling back to user-only
 * sampling when kernel sampling was refused), or another -errno. */
int events_add_thread(struct events *ev, pid_t tid, bool enable_on_exec);

/* Opens the events system-wide (-a): one per CPU for every task (pid -1),
 * not inherited.  0, -EACCES/-EPERM when not permitted, or -errno. */
int events_add_cpus(struct events *ev);

/* Attaches BPF program prog_fd (bpf/pybpf.h) to every event opened from
 * now on (PERF_EVENT_IOC_SET_BPF; inherited by the events of threads
 * created later).  The program's fd is borrowed: it must outlive ev. */
void events_set_bpf(struct events *ev, int prog_fd);

/* Sets cfg.prompt (a wake-up per sample, or every events_wake_samples)
 * for the events opened from now on: call it before the first is opened. */
void events_set_prompt(struct events *ev, bool prompt);

/* Samples per wake-up of the recorder by a cpu-clock ring: 1 when prompt,
 * else one per ~4 ms at the sampling frequency (freq / 250, at least 1);
 * a ring that fills more slowly is read when the session's wait times
 * out. */
uint32_t events_wake_samples(const struct events *ev);

/* 0, or the first error attaching the program (then some events may run
 * without it: the caller stops relying on it). */
int events_bpf_error(const struct events *ev);

/* Starts every event not waiting for exec. 0 or -errno. */
int events_enable(struct events *ev);

/* Stops sampling (records already in the rings stay readable). */
void events_disable(struct events *ev);

/* Waits up to timeout_ms for a ring to reach its wake-up mark. */
void events_wait(struct events *ev, int timeout_ms);

/* The rings (one per CPU that has events; borrowed, valid until
 * events_free): i < events_nrings.  NULL for an offline CPU. */
size_t events_nrings(const struct events *ev);
struct ring *events_ring(const struct events *ev, size_t i);

/* The sampling event's name as perf spells it ("cpu-clock"), for the
 * recording's metadata. */
const char *events_name(const struct events *ev);

/* How the rings' records are laid out (decode.h). */
struct decode_layout;
void events_layout(const struct events *ev, struct decode_layout *l);

/* True when kernel stacks were asked for but refused by the kernel. */
bool events_kernel_refused(const struct events *ev);

/* Number of event fds open. */
size_t events_count(const struct events *ev);

void events_free(struct events *ev); /* NULL is accepted */

#endif
