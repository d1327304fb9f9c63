/* procfs.h - what the recorder reads from /proc about a process.
 *
 * The one place the recorder reads /proc/PID/...: the world (world.h) asks
 * when it learns of a process, the session when it attaches.  Mappings are
 * read by the address space (addrspace_load_proc_maps, the one maps
 * parser).  Nothing here writes anything or keeps state.
 */
#ifndef FLAMER_PROFILER_PROCFS_H
#define FLAMER_PROFILER_PROCFS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* The name of thread tid of pid (pid == tid: the process) into buf, ""
 * when it cannot be read. */
void procfs_comm(pid_t pid, pid_t tid, char *buf, size_t len);

/* The executable's path into buf, "" when unknown. */
void procfs_exe(pid_t pid, char *buf, size_t len);

/* Whether pid exists (as far as /proc shows). */
int procfs_exists(pid_t pid);

/* Whether pid is a kernel thread. */
int procfs_is_kthread(pid_t pid);

/* When pid started, in CLOCK_REALTIME nanoseconds (its start time since
 * boot, to a clock tick), or 0 when gone. */
uint64_t procfs_start_ns(pid_t pid);

/* The owner of pid, (uid_t)-1 when gone. */
uid_t procfs_owner(pid_t pid);

/* Calls fn for every thread of pid; stops at fn's first non-zero return
 * and returns it.  -ESRCH when pid is gone. */
int procfs_foreach_task(pid_t pid, int (*fn)(void *ctx, pid_t tid), void *ctx);

/* Where pid's files are: "/proc/PID/root" into buf when pid has another
 * root directory or mount namespace than the recorder (a container, a
 * chroot, unshare -m with bind mounts), "" when it sees the recorder's
 * files (or it cannot be told). */
void procfs_root(pid_t pid, char *buf, size_t len);

#endif
