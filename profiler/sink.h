/* sink.h - where finished data goes: the end of the recorder's pipeline.
 *
 * The world (world.h) tells a sink about processes, threads and mappings
 * as it learns them; the stack builder (stack.h) about frames and finished
 * samples.  A sample names frames by ids announced before it, and
 * processes and threads announced before it.  Today's sink writes the
 * recording (sink_recording); a live `top` will be another implementation
 * of the same table.  Strings are borrowed for the call.  Every function
 * returns 0 or a negative errno (a failed write: the recorder stops).
 */
#ifndef FLAMER_PROFILER_SINK_H
#define FLAMER_PROFILER_SINK_H

#include <stdint.h>

#include "../recording/recfile.h"

struct sink_ops {
	int (*proc)(void *ctx, uint32_t pid, uint32_t ppid, const char *comm,
		    const char *exe);
	int (*thread)(void *ctx, uint32_t pid, uint32_t tid, const char *name);
	int (*map)(void *ctx, uint32_t pid, uint64_t start, uint64_t end,
		   uint64_t pgoff, const char *build_id, const char *path);
	int (*frame)(void *ctx, uint32_t id, enum frame_kind kind,
		     const char *name, const char *module);
	int (*sample)(void *ctx, const struct rec_sample *s);
	int (*lost)(void *ctx, uint64_t time_ns, uint64_t count);
	/* Optional (NULL: the sink takes no locations, and samples come
	 * without them).  A code location (LOC, recfile.h): frames[n]
	 * innermost first. */
	int (*loc)(void *ctx, uint32_t id, uint64_t offset, const char *module,
		   uint32_t n, const uint32_t *frames);
	/* Optional.  Source lines of location loc (LINES): lines[n],
	 * files[n] innermost first (a file may be NULL). */
	int (*lines)(void *ctx, uint32_t loc, uint32_t n, const uint32_t *lines,
		     const char *const *files);
	/* Optional.  The name Python gives thread tid (THREAD_PYTHON). */
	int (*thread_python)(void *ctx, uint32_t pid, uint32_t tid,
			     const char *name);
};

struct sink {
	const struct sink_ops *ops;
	void *ctx; /* borrowed: the sink's owner frees it */
};

/* A sink that keeps nothing (sink_nop.c), and its callbacks, for sinks
 * that want only some of the records; the context is ignored. */
extern const struct sink_ops sink_nop_ops;
int sink_nop_proc(void *ctx, uint32_t pid, uint32_t ppid, const char *comm,
		  const char *exe);
int sink_nop_thread(void *ctx, uint32_t pid, uint32_t tid, const char *name);
int sink_nop_map(void *ctx, uint32_t pid, uint64_t start, uint64_t end,
		 uint64_t pgoff, const char *build_id, const char *path);
int sink_nop_frame(void *ctx, uint32_t id, enum frame_kind kind,
		   const char *name, const char *module);
int sink_nop_sample(void *ctx, const struct rec_sample *s);
int sink_nop_lost(void *ctx, uint64_t time_ns, uint64_t count);

struct recwriter;

/* A sink writing to a recording (w borrowed). */
struct sink sink_recording(struct recwriter *w);

/* One sink feeding a, then b (both borrowed): *out owns a small
 * allocation, freed by sink_tee_free.  0 or -ENOMEM. */
int sink_tee(struct sink a, struct sink b, struct sink *out);
void sink_tee_free(struct sink s); /* accepts any sink: frees only a tee */

#endif
