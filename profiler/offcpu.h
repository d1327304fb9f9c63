/* offcpu.h - off-CPU intervals (--off-cpu): the stack a thread had when
 * it left the CPU, weighted by how long it stayed off.
 *
 * The context-switch event samples a thread as it switches out (its
 * kernel stack from schedule() down, its user registers and stack); the
 * stack builder turns that into frame ids and offcpu_out keeps them.  The
 * thread's next switch-in record (PERF_RECORD_SWITCH) closes the interval:
 * offcpu_in hands the sample to the sink with weight = the interval in
 * microseconds and REC_SF_OFFCPU.  Intervals still open when the
 * recording ends are closed at its end (the thread was off-CPU until
 * then at least).  Events arrive in time order (order.h).
 *
 * Every switch also comes as a switch-out record (offcpu_switch_out),
 * sampled or not; an interval starts at that record (for a sampled one,
 * after the sample's own cost).  Intervals whose switch-out was not
 * sampled (the kernel took 1 in P: the session's sampling sets or
 * --off-cpu-every, docs/offcpu.md) are
 * still measured exactly, and their time is shared among the stacks the
 * same thread sampled in the same window (1 s, at most 32 stacks) and
 * class (waits under 10 ms, and longer ones), in proportion to each
 * sampled interval's length * (P - 1), as samples
 * flagged REC_SF_OFFCPU_SHARE: totals per thread stay exact, the split
 * among its stacks is an estimate.  Time with no sampled stack to go to
 * is written under the "[off-cpu: stack not sampled]" frame.
 */
#ifndef FLAMER_PROFILER_OFFCPU_H
#define FLAMER_PROFILER_OFFCPU_H

#include <stdint.h>

#include "sink.h"
#include "../recording/recfile.h"

struct offcpu;

/* Intervals go to sink (copied); unsampled_id is the frame id of the
 * marker frame for intervals without a stack.  NULL on ENOMEM. */
struct offcpu *offcpu_new(struct sink sink, uint32_t unsampled_id);

/* Thread tid of pid switched out at time_ns (a switch record): starts an
 * interval without a stack unless its sample (offcpu_out, same instant)
 * came first.  0 or -ENOMEM. */
int offcpu_switch_out(struct offcpu *o, uint32_t pid, uint32_t tid,
		      uint64_t time_ns);
void offcpu_free(struct offcpu *o); /* NULL is accepted */

/* Thread s->tid left the CPU at s->time_ns (recording-relative) with
 * stack s (frames copied); the sample stands for period switch-outs
 * (the kernel's sample period; 0 is taken as 1).  A previous open
 * interval of the same thread (its switch-in lost) is dropped and
 * counted.  0 or -ENOMEM. */
int offcpu_out(struct offcpu *o, const struct rec_sample *s, uint64_t period);

/* Thread tid came back at time_ns: its open interval, if any, goes to the
 * sink.  0 or the sink's error. */
int offcpu_in(struct offcpu *o, uint32_t tid, uint64_t time_ns);

/* Thread tid exited: an interval it left open (its switch-in lost) is
 * dropped and counted, never stretched to the end of the recording; its
 * unsampled total is written.  Its last switch-out (into do_task_dead,
 * seen by -a's per-CPU events after the exit record) is ignored.  0 or
 * the sink's error. */
int offcpu_exit(struct offcpu *o, uint32_t tid);

/* The kernel dropped records (a ring overflowed): an open interval's
 * switch-in may be among them, and closing it at a later switch-in would
 * stretch it.  Every open interval is dropped and counted instead. */
void offcpu_lost(struct offcpu *o);

/* Thread tid was created (a fork record): a reused tid is alive again. */
void offcpu_fork(struct offcpu *o, uint32_t tid);

/* Closes every open interval at time_ns, but drops (and counts) those of
 * threads that alive (may be NULL) says are gone: their exit record was
 * lost, and closing them at the end would stretch them.  0 or the sink's
 * error. */
int offcpu_flush(struct offcpu *o, uint64_t time_ns,
		 int (*alive)(uint32_t pid, uint32_t tid));

struct offcpu_stats {
	uint64_t intervals;  /* measured (with a stack or not) */
	uint64_t total_us;   /* their sum */
	uint64_t unsampled;  /* of them, without a stack */
	uint64_t shared_us;  /* the time of those, shared among sampled stacks */
	uint64_t marker_us;  /* ... and under the marker frame */
	uint64_t unmatched;  /* dropped: no switch-in before the next switch-out
			      * or the thread's exit, or records were lost */
};
const struct offcpu_stats *offcpu_stats(const struct offcpu *o);

#endif
