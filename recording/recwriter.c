#include "recwriter.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zstd.h>

#define FLUSH_AT (1u << 20)
#define MAX_STRING (64u << 10) /* longer names are cut: bounded records */

struct recwriter {
	int fd;
	int failed; /* sticky write error */
	uint64_t bytes;
	uint64_t samples_pending; /* SAMPLE records not yet in a block */
	uint64_t samples_written; /* SAMPLE records in whole written blocks */
	unsigned char *raw;
	size_t used, cap;
	void *zbuf;
	size_t zcap;
	ZSTD_CCtx *cctx;
};

static int write_all(struct recwriter *w, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(w->fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return -EIO;
		p += n;
		len -= (size_t)n;
		w->bytes += (uint64_t)n;
	}
	return 0;
}

static void put32(unsigned char *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

static void put64(unsigned char *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (unsigned char)(v >> (8 * i));
}

struct recwriter *recwriter_new(int fd, int *err)
{
	struct recwriter *w = calloc(1, sizeof *w);
	unsigned char hdr[REC_HEADER_LEN] = { 0 };

	if (!w) {
		*err = -ENOMEM;
		return NULL;
	}
	w->fd = fd;
	w->cap = FLUSH_AT + 4096;
	w->raw = malloc(w->cap);
	w->cctx = ZSTD_createCCtx();
	if (!w->raw || !w->cctx) {
		*err = -ENOMEM;
		goto fail;
	}
	ZSTD_CCtx_setParameter(w->cctx, ZSTD_c_compressionLevel, 3);
	ZSTD_CCtx_setParameter(w->cctx, ZSTD_c_checksumFlag, 1);
	memcpy(hdr, REC_MAGIC, REC_MAGIC_LEN);
	put32(hdr + 8, REC_VERSION);
	*err = write_all(w, hdr, sizeof hdr);
	if (*err)
		goto fail;
	return w;
fail:
	recwriter_free(w);
	return NULL;
}

void recwriter_free(struct recwriter *w)
{
	if (!w)
		return;
	ZSTD_freeCCtx(w->cctx);
	free(w->raw);
	free(w->zbuf);
	free(w);
}

uint64_t recwriter_bytes(const struct recwriter *w)
{
	return w->bytes;
}

int recwriter_flush(struct recwriter *w)
{
	unsigned char bh[REC_BLOCK_HEADER_LEN];
	size_t bound, csize;
	int err;

	if (w->failed)
		return w->failed;
	if (w->used == 0)
		return 0;
	bound = ZSTD_compressBound(w->used);
	if (bound > w->zcap) {
		void *nb = realloc(w->zbuf, bound);

		if (!nb)
			return -ENOMEM;
		w->zbuf = nb;
		w->zcap = bound;
	}
	csize = ZSTD_compress2(w->cctx, w->zbuf, w->zcap, w->raw, w->used);
	if (ZSTD_isError(csize))
		return -EIO;
	put32(bh, REC_BLOCK_MAGIC);
	put32(bh + 4, (uint32_t)csize);
	put32(bh + 8, (uint32_t)w->used);
	put32(bh + 12, 0);
	err = write_all(w, bh, sizeof bh);
	if (!err)
		err = write_all(w, w->zbuf, csize);
	if (err) {
		w->failed = err;
		return err;
	}
	w->used = 0;
	w->samples_written += w->samples_pending;
	w->samples_pending = 0;
	return 0;
}

/* Reserve room for a record of payload size len; returns where the payload
 * goes, or NULL with *err set. */
static unsigned char *begin(struct recwriter *w, enum rec_type type,
			    size_t len, int *err)
{
	unsigned char *p;

	*err = w->failed;
	if (*err)
		return NULL;
	if (w->used + 8 + len > FLUSH_AT && w->used > 0) {
		*err = recwriter_flush(w);
		if (*err)
			return NULL;
	}
	if (w->used + 8 + len > w->cap) {
		size_t cap = w->used + 8 + len;
		unsigned char *nr;

		if (cap > REC_MAX_BLOCK) {
			*err = -E2BIG;
			return NULL;
		}
		nr = realloc(w->raw, cap);
		if (!nr) {
			*err = -ENOMEM;
			return NULL;
		}
		w->raw = nr;
		w->cap = cap;
	}
	p = w->raw + w->used;
	p[0] = (unsigned char)type;
	p[1] = (unsigned char)(type >> 8);
	p[2] = p[3] = 0;
	put32(p + 4, (uint32_t)len);
	w->used += 8 + len;
	return p + 8;
}

static size_t slen(const char *s)
{
	size_t n = s ? strlen(s) : 0;

	return n > MAX_STRING ? MAX_STRING : n;
}

static unsigned char *putstr(unsigned char *p, const char *s)
{
	size_t n = slen(s);

	put32(p, (uint32_t)n);
	if (n)
		memcpy(p + 4, s, n);
	return p + 4 + n;
}

int recwriter_meta(struct recwriter *w, const char *key, const char *value)
{
	int err;
	unsigned char *p = begin(w, REC_META, 8 + slen(key) + slen(value), &err);

	if (!p)
		return err;
	putstr(putstr(p, key), value);
	return 0;
}

int recwriter_proc(struct recwriter *w, uint32_t pid, uint32_t ppid,
		   const char *comm, const char *exe)
{
	int err;
	unsigned char *p =
		begin(w, REC_PROC, 16 + slen(comm) + slen(exe), &err);

	if (!p)
		return err;
	put32(p, pid);
	put32(p + 4, ppid);
	putstr(putstr(p + 8, comm), exe);
	return 0;
}

/* A THREAD or THREAD_PYTHON record: pid, tid, name. */
static int thread_record(struct recwriter *w, uint32_t kind, uint32_t pid,
			 uint32_t tid, const char *name)
{
	int err;
	unsigned char *p = begin(w, kind, 12 + slen(name), &err);

	if (!p)
		return err;
	put32(p, pid);
	put32(p + 4, tid);
	putstr(p + 8, name);
	return 0;
}

int recwriter_thread(struct recwriter *w, uint32_t pid, uint32_t tid,
		     const char *name)
{
	return thread_record(w, REC_THREAD, pid, tid, name);
}

int recwriter_thread_python(struct recwriter *w, uint32_t pid, uint32_t tid,
			    const char *name)
{
	if (slen(name) > REC_MAX_PYTHREAD)
		return -EINVAL;
	return thread_record(w, REC_THREAD_PYTHON, pid, tid, name);
}

int recwriter_frame(struct recwriter *w, uint32_t id, enum frame_kind kind,
		    const char *name, const char *module)
{
	int err;
	unsigned char *p =
		begin(w, REC_FRAME, 16 + slen(name) + slen(module), &err);

	if (!p)
		return err;
	put32(p, id);
	p[4] = (unsigned char)kind;
	p[5] = p[6] = p[7] = 0;
	putstr(putstr(p + 8, name), module);
	return 0;
}

int recwriter_sample(struct recwriter *w, const struct rec_sample *s)
{
	int err;
	uint32_t n = s->n > REC_MAX_FRAMES ? REC_MAX_FRAMES : s->n;
	unsigned char *p;

	if (s->erlproc && slen(s->erlproc) <= REC_MAX_ERLPROC) {
		p = begin(w, REC_SAMPLE_ERLANG, 4 + slen(s->erlproc), &err);
		if (!p)
			return err;
		putstr(p, s->erlproc);
	}
	p = begin(w, REC_SAMPLE, 36 + 4 * (size_t)n, &err);
	if (!p)
		return err;
	put64(p, s->time_ns);
	put32(p + 8, s->pid);
	put32(p + 12, s->tid);
	put32(p + 16, s->cpu);
	put32(p + 20, s->flags);
	put64(p + 24, s->weight);
	put32(p + 32, n);
	w->samples_pending++;
	/* the first REC_MAX_FRAMES are kept when a stack is longer (leaf end) */
	for (uint32_t i = 0; i < n; i++)
		put32(p + 36 + 4 * i, s->frames[i]);
	if (!s->nlocs || s->nlocs > n)
		return 0;
	p = begin(w, REC_SAMPLE_LOCS, 4 + 4 * (size_t)s->nlocs, &err);
	if (!p)
		return err;
	put32(p, s->nlocs);
	for (uint32_t i = 0; i < s->nlocs; i++)
		put32(p + 4 + 4 * i, s->locs[i]);
	return 0;
}

int recwriter_loc(struct recwriter *w, uint32_t id, uint64_t offset,
		  const char *module, uint32_t n, const uint32_t *frames)
{
	int err;
	unsigned char *p;

	if (n > REC_MAX_LOC_LINES)
		n = REC_MAX_LOC_LINES;
	p = begin(w, REC_LOC, 20 + slen(module) + 4 * (size_t)n, &err);
	if (!p)
		return err;
	put32(p, id);
	put64(p + 4, offset);
	p = putstr(p + 12, module);
	put32(p, n);
	for (uint32_t i = 0; i < n; i++)
		put32(p + 4 + 4 * i, frames[i]);
	return 0;
}

int recwriter_lines(struct recwriter *w, uint32_t loc, uint32_t n,
		    const uint32_t *lines, const char *const *files)
{
	int err;
	size_t len = 8;
	unsigned char *p;

	if (n > REC_MAX_LOC_LINES)
		n = REC_MAX_LOC_LINES;
	for (uint32_t i = 0; i < n; i++)
		len += 8 + slen(files[i]);
	p = begin(w, REC_LINES, len, &err);
	if (!p)
		return err;
	put32(p, loc);
	put32(p + 4, n);
	p += 8;
	for (uint32_t i = 0; i < n; i++) {
		put32(p, lines[i]);
		p = putstr(p + 4, files[i]);
	}
	return 0;
}

int recwriter_lost(struct recwriter *w, uint64_t time_ns, uint64_t count)
{
	int err;
	unsigned char *p = begin(w, REC_LOST, 16, &err);

	if (!p)
		return err;
	put64(p, time_ns);
	put64(p + 8, count);
	return 0;
}

int recwriter_map(struct recwriter *w, uint32_t pid, uint64_t start,
		  uint64_t end, uint64_t pgoff, const char *build_id,
		  const char *path)
{
	int err;
	unsigned char *p =
		begin(w, REC_MAP, 36 + slen(build_id) + slen(path), &err);

	if (!p)
		return err;
	put32(p, pid);
	put64(p + 4, start);
	put64(p + 12, end);
	put64(p + 20, pgoff);
	putstr(putstr(p + 28, build_id), path);
	return 0;
}

int recwriter_count(struct recwriter *w, const char *name, uint64_t value)
{
	int err;
	unsigned char *p = begin(w, REC_COUNT, 12 + slen(name), &err);

	if (!p)
		return err;
	put64(putstr(p, name), value);
	return 0;
}

int recwriter_end(struct recwriter *w, const struct rec_end *e)
{
	int err;
	unsigned char *p = begin(w, REC_END, 24, &err);

	if (!p)
		return err;
	put64(p, e->samples);
	put64(p + 8, e->lost);
	put32(p + 16, e->threads);
	put32(p + 20, e->status);
	return 0;
}

uint64_t recwriter_samples_written(const struct recwriter *w)
{
	return w->samples_written;
}
