/* session.h - one recording: targets, events, the sample pipeline, the
 * recording file.
 *
 * session_new() sets up; session_attach()/session_launch() choose the
 * target; session_run() samples until the duration ends, the target exits
 * or a stop is requested; session_finish() writes the END record and puts
 * the file in place.  The summary and progress lines are printed on stderr.
 */
#ifndef FLAMER_PROFILER_SESSION_H
#define FLAMER_PROFILER_SESSION_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "events.h"
#include "sink.h"

struct record_options {
	const char *output;      /* "flamer.data" */
	double duration;         /* seconds, 0 = until the target exits */
	struct events_config ev;
	bool inline_frames;      /* --inline */
	bool unknown_offsets;    /* --addrs: module+0xOFF for unknown code */
	bool python;             /* walk CPython frames (default on) */
	bool no_bpf;             /* do not load the BPF program (a BEAM
				  * target: its delivery delay would make
				  * the live Erlang reads later) */
	bool beam;               /* the target is a BEAM: its live Erlang
				  * reads keep a wake-up per sample even
				  * when BPF reads the Python frames */
	bool python_only;        /* --python-only */
	bool lines;              /* --lines: Python line numbers */
	bool progress;           /* live progress line on a terminal */
	bool offcpu;             /* --off-cpu: record off-CPU intervals */
	uint64_t offcpu_every;   /* --off-cpu-every N: a stack for 1
				  * switch-out in N, always; 0: adaptive */
	uint64_t offcpu_rate;    /* adaptive: about this many switch-out
				  * stacks a second at most (docs/offcpu.md) */
	bool no_source_lines;    /* skip the source-line look-up at the end
				  * (top: its recording is thrown away) */
	/* flamer top: a second sink fed with everything (ops NULL: none),
	 * and a callback once a second (NULL: none); ctx borrowed */
	struct sink tap;
	int (*tick)(void *ctx, double elapsed);
	void *tick_ctx;
};

struct session;

/* Returns a session owned by the caller, or NULL with *err set and the
 * error already reported. */
struct session *session_new(const struct record_options *opt, int *err);

/* Attach to every thread of a running process. 0 or negative (reported). */
int session_attach(struct session *s, pid_t pid);

/* Start argv (argv[0] looked up in PATH) with sampling enabled at exec.
 * 0 or negative (reported). */
int session_launch(struct session *s, char *const argv[]);

/* Samples every process on every CPU (-a), including processes started
 * later and the idle task (pid 0, named "swapper" as perf does).  0 or
 * negative (reported). */
int session_all(struct session *s);

/* Samples until done. Returns 0, or a negative code after a write error
 * (the recording up to then is kept). */
int session_run(struct session *s);

/* Ask session_run to stop (async-signal-safe). */
void session_request_stop(void);

/* Writes the end of the recording, renames it into place, prints the
 * summary.  Frees the session.  Returns an exit code (enum flamer_exit). */
int session_finish(struct session *s, int run_err);

/* Gives up before sampling: removes the unfinished file, frees. */
void session_abort(struct session *s);

#endif
