/* blocked.h - threads already blocked when `record -p --off-cpu` attaches.
 *
 * Such a thread has no switch-out to sample while it stays blocked: it
 * would not appear at all.  Before the events are enabled, blocked_read
 * reads every blocked thread of the process once, as `flamer dump` does
 * without stopping it (dump/dump.h): its kernel stack from
 * /proc/PID/task/TID/stack (root only; names only, leaf first), its user
 * stack from a copy at the sp that /proc/.../syscall reports, unwound by
 * the stack builder with its Python frames, and its context-switch count.
 * After the events are enabled, blocked_commit opens an off-CPU interval
 * at that instant for each thread that is still blocked with the same
 * count (so it has not run in between, and its stack is the one read);
 * the thread's first switch-in, or the end of the recording, closes it.
 */
#ifndef FLAMER_PROFILER_BLOCKED_H
#define FLAMER_PROFILER_BLOCKED_H

#include <stdint.h>
#include <sys/types.h>

#include "frames.h"
#include "offcpu.h"
#include "stack.h"
#include "world.h"

struct blocked;

/* Reads the blocked threads of pid (the world knows the process).  Never
 * stops a thread.  Returns a set owned by the caller (possibly empty), or
 * NULL on ENOMEM. */
struct blocked *blocked_read(pid_t pid, struct world *w, struct stacks *st,
			     struct frames *f);

/* Opens an interval at time_ns (recording-relative) for each thread read
 * that has not run since.  Returns the number opened, or negative. */
int blocked_commit(struct blocked *b, struct offcpu *o, uint64_t time_ns);

void blocked_free(struct blocked *b); /* NULL is accepted */

#endif
