#include "linebuf.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct linebuf {
	size_t max_line;
	linebuf_fn fn;
	void *ctx;
	char *carry;   /* start of a line that straddles chunks */
	size_t clen, ccap;
	int skipping;  /* inside an overlong line: discard up to its "\n" */
	uint64_t dropped;
};

struct linebuf *linebuf_new(size_t max_line, linebuf_fn fn, void *ctx)
{
	struct linebuf *lb = calloc(1, sizeof *lb);

	if (!lb)
		return NULL;
	lb->max_line = max_line;
	lb->fn = fn;
	lb->ctx = ctx;
	return lb;
}

void linebuf_free(struct linebuf *lb)
{
	if (!lb)
		return;
	free(lb->carry);
	free(lb);
}

uint64_t linebuf_dropped(const struct linebuf *lb)
{
	return lb->dropped;
}

/* Starts skipping an overlong line and tells the parser about it. */
static int drop_line(struct linebuf *lb)
{
	lb->dropped++;
	lb->clen = 0;
	lb->skipping = 1;
	return lb->fn(lb->ctx, NULL, 0);
}

/* Appends to the carried partial line; returns 1 if the cap was hit. */
static int carry_add(struct linebuf *lb, const char *p, size_t n, int *err)
{
	*err = 0;
	if (lb->clen + n > lb->max_line)
		return 1;
	if (lb->clen + n > lb->ccap) {
		size_t cap = lb->ccap ? lb->ccap : 4096;
		char *nc;

		while (cap < lb->clen + n)
			cap *= 2;
		if (cap > lb->max_line)
			cap = lb->max_line;
		nc = realloc(lb->carry, cap ? cap : 1);
		if (!nc) {
			*err = -ENOMEM;
			return 0;
		}
		lb->carry = nc;
		lb->ccap = cap;
	}
	memcpy(lb->carry + lb->clen, p, n);
	lb->clen += n;
	return 0;
}

/* Handles the part of a chunk up to and including the first "\n" when a
 * line is carried over or being skipped.  Returns bytes consumed or < 0. */
static long finish_carried(struct linebuf *lb, const char *buf, size_t len)
{
	const char *nl = memchr(buf, '\n', len);
	size_t n = nl ? (size_t)(nl - buf) : len;
	int err = 0;

	if (lb->skipping) {
		if (nl)
			lb->skipping = 0;
		return (long)(n + (nl != NULL));
	}
	if (carry_add(lb, buf, n, &err)) {
		err = drop_line(lb);
		if (nl)
			lb->skipping = 0;
	} else if (!err && nl) {
		err = lb->fn(lb->ctx, lb->carry, lb->clen);
		lb->clen = 0;
	}
	return err ? err : (long)(n + (nl != NULL));
}

int linebuf_feed(struct linebuf *lb, const char *buf, size_t len)
{
	const char *p = buf, *end = buf + len, *nl;
	int err = 0;

	if ((lb->clen || lb->skipping) && len) {
		long used = finish_carried(lb, buf, len);

		if (used < 0)
			return (int)used;
		p += used;
	}
	while (p < end && (nl = memchr(p, '\n', (size_t)(end - p)))) {
		if ((size_t)(nl - p) > lb->max_line) {
			lb->dropped++;
			err = lb->fn(lb->ctx, NULL, 0);
		} else {
			err = lb->fn(lb->ctx, p, (size_t)(nl - p));
		}
		if (err)
			return err;
		p = nl + 1;
	}
	if (p < end && carry_add(lb, p, (size_t)(end - p), &err))
		err = drop_line(lb);
	return err;
}

int linebuf_finish(struct linebuf *lb)
{
	int err = 0;

	if (lb->clen)
		err = lb->fn(lb->ctx, lb->carry, lb->clen);
	lb->clen = 0;
	lb->skipping = 0;
	return err;
}
