#include "input.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define CHUNK (1u << 20)

struct reader {
	char *buf;
	size_t len, cap;
	int skipping; /* inside an over-long line */
};

static int is_blank_line(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r')
			return 0;
	return 1;
}

static int one_line(const char *p, size_t n, input_fn fn, void *arg,
		    struct input_stats *st)
{
	struct folded_line fl;

	if (is_blank_line(p, n))
		return 0;
	if (folded_parse_line(p, n, &fl)) {
		st->malformed++;
		return 0;
	}
	st->lines++;
	return fn(&fl, arg);
}

/* Handles the whole lines in r->buf, keeps the unfinished tail. */
static int drain(struct reader *r, input_fn fn, void *arg,
		 struct input_stats *st)
{
	size_t pos = 0;
	int err = 0;

	while (!err && pos < r->len) {
		char *nl = memchr(r->buf + pos, '\n', r->len - pos);

		if (!nl)
			break;
		if (r->skipping)
			r->skipping = 0;
		else
			err = one_line(r->buf + pos, (size_t)(nl - r->buf) - pos,
				       fn, arg, st);
		pos = (size_t)(nl - r->buf) + 1;
	}
	memmove(r->buf, r->buf + pos, r->len - pos);
	r->len -= pos;
	if (r->len >= INPUT_LINE_MAX) { /* over-long: drop what we have */
		if (!r->skipping)
			st->malformed++;
		r->skipping = 1;
		r->len = 0;
	}
	return err;
}

static int grow(struct reader *r)
{
	size_t cap;
	char *p;

	if (r->cap - r->len >= CHUNK / 2)
		return 0;
	cap = r->cap ? r->cap * 2 : CHUNK;
	p = realloc(r->buf, cap);
	if (!p)
		return -ENOMEM;
	r->buf = p;
	r->cap = cap;
	return 0;
}

int input_read(int fd, input_fn fn, void *arg, struct input_stats *st)
{
	return input_read_pre(fd, NULL, 0, fn, arg, st);
}

int input_read_pre(int fd, const char *pre, size_t n, input_fn fn,
		   void *arg, struct input_stats *st)
{
	struct reader r = { 0 };
	int err = 0;

	memset(st, 0, sizeof *st);
	if (n) {
		err = grow(&r); /* CHUNK bytes: pre is a few bytes of magic */
		if (!err && n > r.cap)
			err = -EINVAL;
		if (err)
			goto out;
		memcpy(r.buf, pre, n);
		r.len = n;
		err = drain(&r, fn, arg, st);
		if (err)
			goto out;
	}
	for (;;) {
		ssize_t got = 0;

		err = grow(&r);
		if (err)
			break;
		if (fd >= 0)
			got = read(fd, r.buf + r.len, r.cap - r.len);
		if (got < 0 && errno == EINTR)
			continue;
		if (got < 0) {
			err = -errno;
			break;
		}
		if (got == 0) {
			if (r.len && !r.skipping)
				err = one_line(r.buf, r.len, fn, arg, st);
			break;
		}
		r.len += (size_t)got;
		err = drain(&r, fn, arg, st);
		if (err)
			break;
	}
out:
	free(r.buf);
	return err;
}
