#include "foldedin.h"
#include "linebuf.h"
#include "../common/folded.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct foldedin {
	struct fold *f;
	int no_kernel;
	struct linebuf *lb;
	struct foldedin_stats st;
	char *buf;
	size_t cap;
};

/* Copies the stack without its "_[k]" frames into p->buf. */
static int strip_kernel(struct foldedin *p, const char *s, size_t n,
			size_t *out)
{
	size_t o = 0;

	if (n + 1 > p->cap) {
		char *nb = realloc(p->buf, n + 1);

		if (!nb)
			return -ENOMEM;
		p->buf = nb;
		p->cap = n + 1;
	}
	for (size_t i = 0; i < n;) {
		const char *semi = memchr(s + i, ';', n - i);
		size_t end = semi ? (size_t)(semi - s) : n;

		if (!(end - i >= 4 && !memcmp(s + end - 4, "_[k]", 4))) {
			if (o)
				p->buf[o++] = ';';
			memcpy(p->buf + o, s + i, end - i);
			o += end - i;
		}
		i = end + 1;
	}
	*out = o;
	return 0;
}

static int on_line(void *ctx, const char *s, size_t n)
{
	struct foldedin *p = ctx;
	struct folded_line fl;
	size_t len;
	int err;

	if (!s) {
		p->st.dropped++;
		return 0;
	}
	if (n == 0 || s[0] == '#' || (n == 1 && s[0] == '\r'))
		return 0;
	if (folded_parse_line(s, n, &fl) != 0 || fl.has_count2) {
		p->st.bad_lines++;
		return 0;
	}
	p->st.stacks++;
	if (!p->no_kernel)
		return fold_add(p->f, 0, fl.stack, fl.stack_len, fl.count);
	err = strip_kernel(p, fl.stack, fl.stack_len, &len);
	if (err || len == 0)
		return err;
	return fold_add(p->f, 0, p->buf, len, fl.count);
}

struct foldedin *foldedin_new(struct fold *f, int no_kernel)
{
	struct foldedin *p = calloc(1, sizeof *p);

	if (!p)
		return NULL;
	p->f = f;
	p->no_kernel = no_kernel;
	p->lb = linebuf_new(FOLDEDIN_MAX_LINE, on_line, p);
	if (!p->lb) {
		free(p);
		return NULL;
	}
	return p;
}

void foldedin_free(struct foldedin *p)
{
	if (!p)
		return;
	linebuf_free(p->lb);
	free(p->buf);
	free(p);
}

int foldedin_feed(struct foldedin *p, const char *buf, size_t len)
{
	return linebuf_feed(p->lb, buf, len);
}

int foldedin_finish(struct foldedin *p)
{
	return linebuf_finish(p->lb);
}

void foldedin_get_stats(const struct foldedin *p, struct foldedin_stats *s)
{
	*s = p->st;
}
