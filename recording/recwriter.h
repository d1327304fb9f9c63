/* recwriter.h - writes a flamer recording (format in recfile.h).
 *
 * Records are appended to an in-memory block; recwriter_flush() compresses
 * the block with zstd and writes it whole.  The block is flushed by itself
 * when it reaches 1 MiB; the recorder also flushes about once a second so an
 * interrupted run loses at most that much.
 */
#ifndef FLAMER_PROFILER_RECWRITER_H
#define FLAMER_PROFILER_RECWRITER_H

#include <stddef.h>
#include <stdint.h>

#include "recfile.h"

struct recwriter;

/* Writes the file header to fd (borrowed: not closed by the writer).
 * Returns a new writer owned by the caller, or NULL with *err set. */
struct recwriter *recwriter_new(int fd, int *err);

/* Each appends one record; strings are copied (NULL is written as "").
 * Return 0 or a negative errno (from a flush that failed to write). Once a
 * write has failed every later call returns the same error. */
int recwriter_meta(struct recwriter *w, const char *key, const char *value);
int recwriter_proc(struct recwriter *w, uint32_t pid, uint32_t ppid,
		   const char *comm, const char *exe);
int recwriter_thread(struct recwriter *w, uint32_t pid, uint32_t tid,
		     const char *name);
/* THREAD_PYTHON: the name Python gives thread tid; -EINVAL when it is
 * longer than REC_MAX_PYTHREAD bytes (nothing written). */
int recwriter_thread_python(struct recwriter *w, uint32_t pid, uint32_t tid,
			    const char *name);
int recwriter_frame(struct recwriter *w, uint32_t id, enum frame_kind kind,
		    const char *name, const char *module);
/* SAMPLE, and SAMPLE_LOCS after it when s->nlocs > 0. */
int recwriter_sample(struct recwriter *w, const struct rec_sample *s);
/* LOC: the location id at file offset `offset` of module, standing for
 * frames[n] innermost first (n is capped at REC_MAX_LOC_LINES). */
int recwriter_loc(struct recwriter *w, uint32_t id, uint64_t offset,
		  const char *module, uint32_t n, const uint32_t *frames);
/* LINES of location loc: lines[n], files[n] (NULL: unknown) innermost
 * first, n as in its LOC. */
int recwriter_lines(struct recwriter *w, uint32_t loc, uint32_t n,
		    const uint32_t *lines, const char *const *files);
int recwriter_lost(struct recwriter *w, uint64_t time_ns, uint64_t count);
int recwriter_map(struct recwriter *w, uint32_t pid, uint64_t start,
		  uint64_t end, uint64_t pgoff, const char *build_id,
		  const char *path);
int recwriter_count(struct recwriter *w, const char *name, uint64_t value);
int recwriter_end(struct recwriter *w, const struct rec_end *e);

/* Compress and write the pending records (nothing if there are none). */
int recwriter_flush(struct recwriter *w);

/* Bytes written to the file so far (header and whole blocks). */
uint64_t recwriter_bytes(const struct recwriter *w);

/* SAMPLE records in the blocks written so far: after a write error, the
 * samples a reader will find in the file. */
uint64_t recwriter_samples_written(const struct recwriter *w);

/* Frees the writer without flushing. NULL is accepted. */
void recwriter_free(struct recwriter *w);

#endif
