/* recreader.h - reads a flamer recording (format in recfile.h).
 *
 * Use:  r = recreader_open(path, &err);
 *       while ((rc = recreader_next(r, &rec)) > 0) { ... use rec ... }
 *       rc == 0: clean end; rc < 0: error (see below); recreader_free(r).
 *
 * Everything in the file is untrusted: lengths are checked against the
 * record, blocks are bounded by REC_MAX_BLOCK, frame ids against the frames
 * defined so far.  A file cut short returns -FE_TRUNCATED after delivering
 * every whole block; a block that fails to decompress returns -FE_CORRUPT or
 * -FE_DECOMPRESS.  Records of unknown type are skipped.  FRAME, LOC and
 * LINES records whose names, modules and files add up to more than REC_MAX_FRAME_TEXT bytes return
 * -FE_TOO_BIG (a reader keeps every frame name; a small file of repeated
 * text could otherwise expand to gigabytes).
 */
#ifndef FLAMER_COLLAPSE_RECREADER_H
#define FLAMER_COLLAPSE_RECREADER_H

#include <stddef.h>
#include <stdint.h>

#include "recfile.h"

/* Total bytes of frame names and modules a recording may define. */
#define REC_MAX_FRAME_TEXT (128ull << 20)

struct recreader;

/* A string inside a record: not NUL-terminated, len bytes. */
struct rec_str {
	const char *s;
	uint32_t len;
};

/* One frame's source position in a LINES record. */
struct rec_line {
	uint32_t line;
	struct rec_str file;
};

/* One decoded record.  Pointers borrow from the reader and are valid until
 * the next recreader_next() call. */
struct rec_record {
	enum rec_type type;
	union {
		struct { struct rec_str key, value; } meta;
		struct { uint32_t pid, ppid; struct rec_str comm, exe; } proc;
		/* THREAD and THREAD_PYTHON */
		struct { uint32_t pid, tid; struct rec_str name; } thread;
		struct {
			uint32_t id;
			enum frame_kind kind;
			struct rec_str name, module;
		} frame;
		struct rec_sample sample;
		struct { uint64_t time_ns, count; } lost;
		struct rec_end end;
		struct {
			uint32_t pid;
			uint64_t start, end, pgoff;
			struct rec_str build_id, path;
		} map;
		struct { struct rec_str name; uint64_t value; } count;
		struct {
			uint32_t id, n;
			uint64_t offset;
			struct rec_str module;
			const uint32_t *frames; /* n, innermost first, defined */
		} loc;
		/* loc: a LOC defined before; n not checked against it */
		struct {
			uint32_t loc, n;
			const struct rec_line *lines; /* n, innermost first */
		} lines;
		/* every value checked: a LOC id defined before, or
		 * REC_LOC_FRAME | a frame id defined before */
		struct { uint32_t n; const uint32_t *locs; } sample_locs;
	} u;
};

/* Opens path ("-" = stdin) and checks the header.  Returns a reader owned by
 * the caller or NULL with *err: -errno, -FE_NOT_RECORDING, -FE_VERSION,
 * -FE_TRUNCATED. */
struct recreader *recreader_open(const char *path, int *err);

/* Same, on a memory buffer (borrowed, must outlive the reader); for tests
 * and fuzzing. */
struct recreader *recreader_open_mem(const void *buf, size_t len, int *err);

/* Next record: 1 and *rec filled, 0 at a clean end (END record seen and no
 * data after it, or EOF after END), or a negative error code. */
int recreader_next(struct recreader *r, struct rec_record *rec);

/* Whether an END record was seen. */
int recreader_complete(const struct recreader *r);

void recreader_free(struct recreader *r); /* NULL is accepted */

#endif
