#include "obuf.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define OBUF_CAP (1u << 20)

int obuf_init(struct obuf *ob, int fd)
{
	ob->len = 0;
	ob->fd = fd;
	ob->err = 0;
	ob->cap = fd < 0 ? 4096 : OBUF_CAP;
	ob->buf = malloc(ob->cap);
	return ob->buf ? 0 : -ENOMEM;
}

void obuf_free(struct obuf *ob)
{
	free(ob->buf);
	ob->buf = NULL;
}

static int write_all(int fd, const char *p, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);

		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

int obuf_flush(struct obuf *ob)
{
	if (ob->err || ob->fd < 0)
		return ob->err;
	ob->err = write_all(ob->fd, ob->buf, ob->len);
	ob->len = 0;
	return ob->err;
}

/* Makes room for n more bytes; 0 or the sticky error. */
static int reserve(struct obuf *ob, size_t n)
{
	if (ob->err)
		return ob->err;
	if (ob->len + n <= ob->cap)
		return 0;
	if (ob->fd >= 0 && obuf_flush(ob))
		return ob->err;
	if (ob->len + n > ob->cap) {
		size_t cap = ob->cap;
		char *p;

		while (cap < ob->len + n)
			cap *= 2;
		p = realloc(ob->buf, cap);
		if (!p)
			return ob->err = -ENOMEM;
		ob->buf = p;
		ob->cap = cap;
	}
	return 0;
}

void obuf_put(struct obuf *ob, const void *p, size_t n)
{
	if (reserve(ob, n))
		return;
	memcpy(ob->buf + ob->len, p, n);
	ob->len += n;
}

void obuf_puts(struct obuf *ob, const char *s)
{
	obuf_put(ob, s, strlen(s));
}

void obuf_putc(struct obuf *ob, char c)
{
	if (reserve(ob, 1))
		return;
	ob->buf[ob->len++] = c;
}

/* Digits of u, with a ',' every three when group is set. */
static void put_u64(struct obuf *ob, uint64_t u, int group)
{
	char tmp[32];
	int n = 0, digits = 0;

	do {
		if (group && digits && digits % 3 == 0)
			tmp[n++] = ',';
		tmp[n++] = (char)('0' + u % 10);
		u /= 10;
		digits++;
	} while (u);
	if (reserve(ob, (size_t)n))
		return;
	while (n > 0)
		ob->buf[ob->len++] = tmp[--n];
}

static void put_fixed(struct obuf *ob, double v, int decimals, int group)
{
	static const double scale[] = { 1, 10, 100, 1000, 10000 };
	uint64_t whole, frac, s;

	if (decimals < 0)
		decimals = 0;
	if (decimals > 4)
		decimals = 4;
	if (!isfinite(v))
		v = 0;
	if (v < 0) {
		obuf_putc(ob, '-');
		v = -v;
	}
	if (v > 1e15)
		v = 1e15;
	s = (uint64_t)(v * scale[decimals] + 0.5);
	whole = s / (uint64_t)scale[decimals];
	frac = s % (uint64_t)scale[decimals];
	put_u64(ob, whole, group);
	if (decimals) {
		char tmp[8];

		tmp[0] = '.';
		for (int i = decimals; i > 0; i--) {
			tmp[i] = (char)('0' + frac % 10);
			frac /= 10;
		}
		obuf_put(ob, tmp, (size_t)decimals + 1);
	}
}

void obuf_fixed(struct obuf *ob, double v, int decimals)
{
	put_fixed(ob, v, decimals, 0);
}

void obuf_count(struct obuf *ob, double v)
{
	double r = floor(v + 0.5);

	put_fixed(ob, v, fabs(v - r) < 1e-9 ? 0 : 2, 1);
}

void obuf_xml(struct obuf *ob, const char *s, size_t n)
{
	size_t start = 0;

	for (size_t i = 0; i < n; i++) {
		const char *ent;

		switch (s[i]) {
		case '&': ent = "&amp;"; break;
		case '<': ent = "&lt;"; break;
		case '>': ent = "&gt;"; break;
		case '"': ent = "&quot;"; break;
		case '\'': ent = "&#39;"; break;
		default: continue;
		}
		obuf_put(ob, s + start, i - start);
		obuf_puts(ob, ent);
		start = i + 1;
	}
	obuf_put(ob, s + start, n - start);
}
