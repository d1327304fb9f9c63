#include "recreader.h"
#include "../common/error.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zstd.h>

struct recreader {
	FILE *f;             /* NULL when reading from memory */
	const unsigned char *mem;
	size_t memlen, mempos;
	unsigned char *cbuf; /* compressed block */
	size_t ccap;
	unsigned char *raw;  /* decompressed records */
	size_t rcap, rlen, rpos;
	uint32_t *frames;    /* aligned copy of a sample's frame ids */
	size_t fcap;
	uint32_t nframes_defined;
	uint32_t nlocs_defined;
	uint32_t lframes[REC_MAX_LOC_LINES];
	struct rec_line lines[REC_MAX_LOC_LINES];
	uint32_t *locs;      /* aligned copy of a SAMPLE_LOCS */
	size_t lcap;
	uint64_t frame_text; /* bytes of frame names and modules so far */
	char erlproc[REC_MAX_ERLPROC + 1]; /* SAMPLE_ERLANG for the next SAMPLE */
	int has_erlproc;
	int ended;
	ZSTD_DCtx *dctx;
};

static uint32_t get32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint64_t get64(const unsigned char *p)
{
	return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32;
}

/* Reads exactly len bytes. Returns len, a short count at EOF, or -errno. */
static ssize_t rd(struct recreader *r, void *buf, size_t len)
{
	size_t n;

	if (!r->f) {
		n = r->memlen - r->mempos < len ? r->memlen - r->mempos : len;
		memcpy(buf, r->mem + r->mempos, n);
		r->mempos += n;
		return (ssize_t)n;
	}
	n = fread(buf, 1, len, r->f);
	if (n < len && ferror(r->f))
		return -EIO;
	return (ssize_t)n;
}

static struct recreader *open_common(struct recreader *r, int *err)
{
	unsigned char hdr[REC_HEADER_LEN];
	ssize_t n;

	r->dctx = ZSTD_createDCtx();
	if (!r->dctx) {
		*err = -ENOMEM;
		goto fail;
	}
	n = rd(r, hdr, sizeof hdr);
	if (n < 0) {
		*err = (int)n;
		goto fail;
	}
	if ((size_t)n < REC_MAGIC_LEN ||
	    memcmp(hdr, REC_MAGIC, REC_MAGIC_LEN) != 0) {
		*err = -FE_NOT_RECORDING;
		goto fail;
	}
	if ((size_t)n < sizeof hdr) {
		*err = -FE_TRUNCATED;
		goto fail;
	}
	if (get32(hdr + 8) != REC_VERSION) {
		*err = -FE_VERSION;
		goto fail;
	}
	return r;
fail:
	recreader_free(r);
	return NULL;
}

struct recreader *recreader_open(const char *path, int *err)
{
	struct recreader *r = calloc(1, sizeof *r);

	if (!r) {
		*err = -ENOMEM;
		return NULL;
	}
	if (strcmp(path, "-") == 0) {
		r->f = fdopen(dup(STDIN_FILENO), "rb");
	} else {
		int fd = open(path, O_RDONLY | O_CLOEXEC);

		r->f = fd < 0 ? NULL : fdopen(fd, "rb");
		if (!r->f && fd >= 0)
			close(fd);
	}
	if (!r->f) {
		*err = -errno;
		free(r);
		return NULL;
	}
	return open_common(r, err);
}

struct recreader *recreader_open_mem(const void *buf, size_t len, int *err)
{
	struct recreader *r = calloc(1, sizeof *r);

	if (!r) {
		*err = -ENOMEM;
		return NULL;
	}
	r->mem = buf;
	r->memlen = len;
	return open_common(r, err);
}

void recreader_free(struct recreader *r)
{
	if (!r)
		return;
	if (r->f)
		fclose(r->f);
	ZSTD_freeDCtx(r->dctx);
	free(r->cbuf);
	free(r->raw);
	free(r->frames);
	free(r->locs);
	free(r);
}

int recreader_complete(const struct recreader *r)
{
	return r->ended;
}

static int reserve(unsigned char **buf, size_t *cap, size_t need)
{
	unsigned char *nb;

	if (need <= *cap)
		return 0;
	nb = realloc(*buf, need);
	if (!nb)
		return -ENOMEM;
	*buf = nb;
	*cap = need;
	return 0;
}

/* Loads the next block. 1 = loaded, 0 = EOF, < 0 error. */
static int next_block(struct recreader *r)
{
	unsigned char bh[REC_BLOCK_HEADER_LEN];
	uint32_t csize, rsize;
	size_t got;
	ssize_t n = rd(r, bh, sizeof bh);
	int err;

	if (n == 0)
		return 0;
	if (n < 0)
		return (int)n;
	if ((size_t)n < sizeof bh)
		return -FE_TRUNCATED;
	if (get32(bh) != REC_BLOCK_MAGIC)
		return -FE_CORRUPT;
	csize = get32(bh + 4);
	rsize = get32(bh + 8);
	if (rsize > REC_MAX_BLOCK || csize > ZSTD_compressBound(REC_MAX_BLOCK))
		return -FE_CORRUPT;
	err = reserve(&r->cbuf, &r->ccap, csize ? csize : 1);
	if (!err)
		err = reserve(&r->raw, &r->rcap, rsize ? rsize : 1);
	if (err)
		return err;
	n = rd(r, r->cbuf, csize);
	if (n < 0)
		return (int)n;
	if ((size_t)n < csize)
		return -FE_TRUNCATED;
	got = ZSTD_decompressDCtx(r->dctx, r->raw, rsize, r->cbuf, csize);
	if (ZSTD_isError(got))
		return -FE_DECOMPRESS;
	if (got != rsize)
		return -FE_CORRUPT;
	r->rlen = rsize;
	r->rpos = 0;
	return 1;
}

/* A cursor over one record's payload; every read is bounds-checked. */
struct cur {
	const unsigned char *p;
	size_t len, pos;
	int bad;
};

static uint32_t c32(struct cur *c)
{
	if (c->len - c->pos < 4) {
		c->bad = 1;
		return 0;
	}
	c->pos += 4;
	return get32(c->p + c->pos - 4);
}

static uint64_t c64(struct cur *c)
{
	if (c->len - c->pos < 8) {
		c->bad = 1;
		return 0;
	}
	c->pos += 8;
	return get64(c->p + c->pos - 8);
}

static struct rec_str cstr(struct cur *c)
{
	struct rec_str s = { "", 0 };
	uint32_t n = c32(c);

	if (c->bad || c->len - c->pos < n) {
		c->bad = 1;
		return s;
	}
	s.s = (const char *)c->p + c->pos;
	s.len = n;
	c->pos += n;
	return s;
}

static int decode_sample(struct recreader *r, struct cur *c,
			 struct rec_sample *s)
{
	s->time_ns = c64(c);
	s->pid = c32(c);
	s->tid = c32(c);
	s->cpu = c32(c);
	s->flags = c32(c);
	s->weight = c64(c);
	s->n = c32(c);
	if (c->bad || s->n > REC_MAX_FRAMES || (c->len - c->pos) / 4 < s->n)
		return -FE_CORRUPT;
	if (s->n > r->fcap) {
		uint32_t *nf = realloc(r->frames, s->n * sizeof *nf);

		if (!nf)
			return -ENOMEM;
		r->frames = nf;
		r->fcap = s->n;
	}
	for (uint32_t i = 0; i < s->n; i++) {
		r->frames[i] = c32(c);
		if (r->frames[i] >= r->nframes_defined)
			return -FE_CORRUPT;
	}
	s->frames = r->frames;
	s->nlocs = 0;
	s->locs = NULL;
	s->erlproc = r->has_erlproc ? r->erlproc : NULL;
	r->has_erlproc = 0;
	return 0;
}

/* SAMPLE_ERLANG: kept for the SAMPLE that follows, not returned. */
static int decode_erlproc(struct recreader *r, struct cur *c)
{
	struct rec_str s = cstr(c);

	if (c->bad || s.len > REC_MAX_ERLPROC || memchr(s.s, 0, s.len))
		return -FE_CORRUPT;
	memcpy(r->erlproc, s.s, s.len);
	r->erlproc[s.len] = '\0';
	r->has_erlproc = 1;
	return 1;
}

static int decode_loc(struct recreader *r, struct cur *c,
		      struct rec_record *rec)
{
	uint32_t n;

	rec->u.loc.id = c32(c);
	rec->u.loc.offset = c64(c);
	rec->u.loc.module = cstr(c);
	n = rec->u.loc.n = c32(c);
	if (c->bad || rec->u.loc.id != r->nlocs_defined || n == 0 ||
	    n > REC_MAX_LOC_LINES || (c->len - c->pos) / 4 < n)
		return -FE_CORRUPT;
	r->frame_text += rec->u.loc.module.len;
	if (r->frame_text > REC_MAX_FRAME_TEXT)
		return -FE_TOO_BIG;
	for (uint32_t i = 0; i < n; i++) {
		r->lframes[i] = c32(c);
		if (r->lframes[i] >= r->nframes_defined)
			return -FE_CORRUPT;
	}
	rec->u.loc.frames = r->lframes;
	r->nlocs_defined++;
	return 0;
}

static int decode_lines(struct recreader *r, struct cur *c,
			struct rec_record *rec)
{
	rec->u.lines.loc = c32(c);
	rec->u.lines.n = c32(c);
	if (c->bad || rec->u.lines.loc >= r->nlocs_defined ||
	    rec->u.lines.n > REC_MAX_LOC_LINES)
		return -FE_CORRUPT;
	for (uint32_t i = 0; i < rec->u.lines.n; i++) {
		r->lines[i].line = c32(c);
		r->lines[i].file = cstr(c);
		if (c->bad)
			return -FE_CORRUPT;
		r->frame_text += r->lines[i].file.len;
	}
	if (r->frame_text > REC_MAX_FRAME_TEXT)
		return -FE_TOO_BIG;
	rec->u.lines.lines = r->lines;
	return 0;
}

static int decode_sample_locs(struct recreader *r, struct cur *c,
			      struct rec_record *rec)
{
	uint32_t n = c32(c);

	if (c->bad || n > REC_MAX_FRAMES || (c->len - c->pos) / 4 < n)
		return -FE_CORRUPT;
	if (n > r->lcap) {
		uint32_t *nl = realloc(r->locs, n * sizeof *nl);

		if (!nl)
			return -ENOMEM;
		r->locs = nl;
		r->lcap = n;
	}
	for (uint32_t i = 0; i < n; i++) {
		uint32_t v = c32(c);

		if (v & REC_LOC_FRAME ? (v & ~REC_LOC_FRAME) >= r->nframes_defined
				      : v >= r->nlocs_defined)
			return -FE_CORRUPT;
		r->locs[i] = v;
	}
	rec->u.sample_locs.n = n;
	rec->u.sample_locs.locs = r->locs;
	return 0;
}

static int decode(struct recreader *r, uint16_t type, struct cur *c,
		  struct rec_record *rec)
{
	rec->type = (enum rec_type)type;
	switch (type) {
	case REC_META:
		rec->u.meta.key = cstr(c);
		rec->u.meta.value = cstr(c);
		break;
	case REC_PROC:
		rec->u.proc.pid = c32(c);
		rec->u.proc.ppid = c32(c);
		rec->u.proc.comm = cstr(c);
		rec->u.proc.exe = cstr(c);
		break;
	case REC_THREAD:
	case REC_THREAD_PYTHON:
		rec->u.thread.pid = c32(c);
		rec->u.thread.tid = c32(c);
		rec->u.thread.name = cstr(c);
		break;
	case REC_FRAME:
		rec->u.frame.id = c32(c);
		rec->u.frame.kind = (enum frame_kind)(c32(c) & 0xff);
		rec->u.frame.name = cstr(c);
		rec->u.frame.module = cstr(c);
		if (c->bad || rec->u.frame.id != r->nframes_defined ||
		    rec->u.frame.kind >= FK_MAX_)
			return -FE_CORRUPT;
		/* a reader keeps every frame's name: bound what it must hold
		 * (a few MB of zstd can expand to many GB of names) */
		r->frame_text += rec->u.frame.name.len + rec->u.frame.module.len;
		if (r->frame_text > REC_MAX_FRAME_TEXT)
			return -FE_TOO_BIG;
		r->nframes_defined++;
		break;
	case REC_SAMPLE:
		return decode_sample(r, c, &rec->u.sample);
	case REC_SAMPLE_ERLANG:
		return decode_erlproc(r, c);
	case REC_LOST:
		rec->u.lost.time_ns = c64(c);
		rec->u.lost.count = c64(c);
		break;
	case REC_END:
		rec->u.end.samples = c64(c);
		rec->u.end.lost = c64(c);
		rec->u.end.threads = c32(c);
		rec->u.end.status = c32(c);
		break;
	case REC_MAP:
		rec->u.map.pid = c32(c);
		rec->u.map.start = c64(c);
		rec->u.map.end = c64(c);
		rec->u.map.pgoff = c64(c);
		rec->u.map.build_id = cstr(c);
		rec->u.map.path = cstr(c);
		break;
	case REC_COUNT:
		rec->u.count.name = cstr(c);
		rec->u.count.value = c64(c);
		break;
	case REC_LOC:
		return decode_loc(r, c, rec);
	case REC_SAMPLE_LOCS:
		return decode_sample_locs(r, c, rec);
	case REC_LINES:
		return decode_lines(r, c, rec);
	default:
		return 1; /* unknown: skip */
	}
	return c->bad ? -FE_CORRUPT : 0;
}

int recreader_next(struct recreader *r, struct rec_record *rec)
{
	for (;;) {
		struct cur c;
		uint16_t type;
		uint32_t len;
		int err;

		if (r->rpos == r->rlen) {
			err = next_block(r);
			if (err == 0)
				return r->ended ? 0 : -FE_TRUNCATED;
			if (err < 0)
				return err;
			continue;
		}
		if (r->rlen - r->rpos < 8)
			return -FE_CORRUPT;
		type = (uint16_t)(r->raw[r->rpos] | r->raw[r->rpos + 1] << 8);
		len = get32(r->raw + r->rpos + 4);
		if (r->rlen - r->rpos - 8 < len)
			return -FE_CORRUPT;
		c.p = r->raw + r->rpos + 8;
		c.len = len;
		c.pos = 0;
		c.bad = 0;
		r->rpos += 8 + (size_t)len;
		err = decode(r, type, &c, rec);
		if (err < 0)
			return err;
		if (err > 0)
			continue;
		if (type == REC_END)
			r->ended = 1;
		return 1;
	}
}
