/* beam.h - recognising an Erlang/Elixir VM (BEAM) and telling the user how
 * to make its JIT code visible.
 *
 * The BEAM JIT (OTP 24+) writes /tmp/perf-PID.map only when started with
 * `+JPperf map` (or `+JPperf true`); the same flag makes JIT code keep frame
 * pointers, which is what lets the unwinder walk Erlang frames.  Without it
 * a BEAM profile shows anonymous JIT addresses and stacks cut at the first
 * JIT frame.  See docs/beam.md.
 */
#ifndef FLAMER_UNWIND_BEAM_H
#define FLAMER_UNWIND_BEAM_H

#include <stddef.h>
#include <sys/types.h>

/* beam_is_beam - 1 if process pid runs the BEAM (its executable, or a file
 * mapped in it, is named beam.smp / beam.*.smp / beam), 0 if not, or a
 * negative errno (-ENOENT: no such process, -EACCES). */
int beam_is_beam(pid_t pid);

/* beam_has_perfmap - 1 if /tmp/perf-PID.map exists (whoever owns it: trust
 * is decided by perfmap_open), 0 if not. */
int beam_has_perfmap(pid_t pid);

/* beam_advice - writes the one-line advice for a BEAM without a perf map
 * (no "flamer:" prefix, no newline) into buf (len bytes, truncated, always
 * NUL-terminated if len > 0).  Returns the length of the full text. */
int beam_advice(char *buf, size_t len);

enum beam_thread {
	BEAM_THREAD_OTHER = 0, /* not a name the VM gives, or a helper */
	BEAM_THREAD_MAIN,      /* "beam.smp": the main thread */
	BEAM_THREAD_SCHEDULER, /* "N_scheduler": runs Erlang processes */
	BEAM_THREAD_DIRTY_CPU, /* "N_dirty_cpu_sch"(eduler) */
	BEAM_THREAD_DIRTY_IO,  /* "N_dirty_io_sched"(uler), comm-truncated */
	BEAM_THREAD_ASYNC,     /* "async_N": async thread pool */
	BEAM_THREAD_POLLER,    /* "N_poller": I/O polling */
	BEAM_THREAD_AUX,       /* "N_aux": auxiliary work */
};

/* beam_thread_class - the role of a BEAM thread from its name (the
 * 15-character comm of /proc/PID/task/TID/comm).  comm is not NULL. */
enum beam_thread beam_thread_class(const char *comm);

/* A short static label for a class: "scheduler", "dirty-cpu", ... */
const char *beam_thread_class_name(enum beam_thread c);

#endif
