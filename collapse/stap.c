#include "stap.h"
#include "../common/vec.h"
#include "linebuf.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct span {
	size_t off, len;
};

struct stap {
	struct fold *f;
	int no_kernel;
	struct linebuf *lb;
	struct stap_stats st;
	char *fb;           /* frame names of the current stack */
	size_t fb_len, fb_cap;
	struct span *fr;
	size_t nfr, fr_cap;
	int truncated, damaged;
	size_t nseen;        /* frame lines, including dropped kernel ones */
	char *key;
	size_t key_cap;
};

static int is_ws(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

static void reset(struct stap *p)
{
	p->fb_len = 0;
	p->nfr = 0;
	p->truncated = 0;
	p->damaged = 0;
	p->nseen = 0;
}

/* A line of digits only: the count that ends a stack. */
static int end_stack(struct stap *p, const char *s, size_t n)
{
	double w = 0;
	size_t len = 0;
	int err;

	for (size_t i = 0; i < n; i++)
		w = w * 10 + (s[i] - '0');
	if (p->damaged || p->nfr == 0) {
		p->st.incomplete += !p->damaged && !p->nseen;
		reset(p);
		return 0;
	}
	for (size_t i = 0; i < p->nfr; i++)
		len += p->fr[i].len + 1;
	if (vec_reserve((void **)&p->key, &p->key_cap, len + 1, 1))
		return -ENOMEM;
	len = 0;
	for (size_t i = p->nfr; i-- > 0;) {
		memcpy(p->key + len, p->fb + p->fr[i].off, p->fr[i].len);
		len += p->fr[i].len;
		p->key[len++] = ';';
	}
	err = fold_add(p->f, 0, p->key, len - 1, w);
	p->st.stacks++;
	p->st.truncated += p->truncated != 0;
	reset(p);
	return err;
}

static int add_text(struct stap *p, const char *s, size_t n)
{
	if (vec_reserve((void **)&p->fb, &p->fb_cap, p->fb_len + n + 1, 1))
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		p->fb[p->fb_len + i] = s[i] == ';' ? ':' : s[i];
	p->fb_len += n;
	return 0;
}

/* "module+0xoff" or "/path/module" -> module basename */
static int add_module(struct stap *p, const char *m, size_t n)
{
	const char *plus, *sl;

	if (!m || !n) /* " 0xADDR : " with no name and no [module] */
		return add_text(p, "[unknown]", 9);
	plus = memrchr(m, '+', n);
	if (plus)
		n = (size_t)(plus - m);
	sl = memrchr(m, '/', n);
	if (sl) {
		n -= (size_t)(sl + 1 - m);
		m = sl + 1;
	}
	if (!n)
		return add_text(p, "[unknown]", 9);
	return add_text(p, "[", 1) || add_text(p, m, n) || add_text(p, "]", 1)
		       ? -ENOMEM : 0;
}

static int hex_addr(const char *s, size_t n, size_t *end, int *kernel)
{
	size_t i = 2;
	unsigned long long v = 0;

	if (n < 3 || s[0] != '0' || (s[1] != 'x' && s[1] != 'X'))
		return 0;
	for (; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		int d = c >= '0' && c <= '9' ? c - '0' :
			c >= 'a' && c <= 'f' ? c - 'a' + 10 :
			c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;

		if (d < 0)
			break;
		v = v << 4 | (unsigned)d;
	}
	*end = i;
	*kernel |= i - 2 <= 16 && v >= 0xffff800000000000ULL;
	return i > 2;
}

/* One frame line, already trimmed. */
static int frame_line(struct stap *p, const char *s, size_t n)
{
	size_t start = p->fb_len, end, mlen = 0;
	const char *mod = NULL, *sep;
	int kernel = 0, err;

	if (n >= 10 && !memcmp(s + n - 10, " (inexact)", 10))
		n -= 10;
	if (n > 0 && s[n - 1] == ']') {
		const char *ob = memrchr(s, '[', n);

		if (ob && ob > s && ob[-1] == ' ') {
			mod = ob + 1;
			mlen = (size_t)(s + n - 1 - mod);
			n = (size_t)(ob - 1 - s);
		}
	}
	if (mod && mlen == 6 && !memcmp(mod, "kernel", 6))
		kernel = 1;
	if (hex_addr(s, n, &end, &kernel) || kernel) {
		sep = memmem(s, n, " : ", 3);
		if (sep) {
			const char *name = sep + 3, *plus;
			size_t nl = n - (size_t)(name - s);

			plus = memrchr(name, '+', nl);
			if (plus && plus > name && nl - (size_t)(plus - name) > 2 &&
			    plus[1] == '0' && plus[2] == 'x')
				nl = (size_t)(plus - name);
			err = nl ? add_text(p, name, nl) : add_module(p, mod, mlen);
		} else if (mod) {
			err = add_module(p, mod, mlen);
		} else {
			err = add_text(p, "[unknown]", 9);
		}
	} else {
		err = add_text(p, s, n + (mod ? mlen + 3 : 0));
	}
	if (!err && kernel)
		err = add_text(p, "_[k]", 4);
	if (err)
		return err;
	if (kernel && p->no_kernel) {
		p->fb_len = start;
		return 0;
	}
	if (vec_reserve((void **)&p->fr, &p->fr_cap, p->nfr + 1, sizeof *p->fr))
		return -ENOMEM;
	p->fr[p->nfr].off = start;
	p->fr[p->nfr].len = p->fb_len - start;
	p->nfr++;
	return 0;
}

static int on_line(void *ctx, const char *s, size_t n)
{
	struct stap *p = ctx;
	size_t i = 0, digits;

	if (!s) {
		p->damaged = 1;
		p->st.dropped++;
		return 0;
	}
	while (n > 0 && is_ws((unsigned char)s[n - 1]))
		n--;
	while (i < n && is_ws((unsigned char)s[i]))
		i++;
	s += i;
	n -= i;
	if (n == 0)
		return 0;
	for (digits = 0; digits < n && s[digits] >= '0' && s[digits] <= '9';)
		digits++;
	if (digits == n) {
		if (n > 18) {
			p->st.bad_counts++;
			reset(p);
			return 0;
		}
		return end_stack(p, s, n);
	}
	if (p->damaged || p->truncated)
		return 0;
	if (p->nfr >= STAP_MAX_FRAMES || p->fb_len + n + 8 > STAP_MAX_STACK) {
		p->truncated = 1;
		return 0;
	}
	p->nseen++;
	return frame_line(p, s, n);
}

struct stap *stap_new(struct fold *f, int no_kernel)
{
	struct stap *p = calloc(1, sizeof *p);

	if (!p)
		return NULL;
	p->f = f;
	p->no_kernel = no_kernel;
	p->lb = linebuf_new(STAP_MAX_LINE, on_line, p);
	if (!p->lb) {
		free(p);
		return NULL;
	}
	return p;
}

void stap_free(struct stap *p)
{
	if (!p)
		return;
	linebuf_free(p->lb);
	free(p->fb);
	free(p->fr);
	free(p->key);
	free(p);
}

int stap_feed(struct stap *p, const char *buf, size_t len)
{
	return linebuf_feed(p->lb, buf, len);
}

int stap_finish(struct stap *p)
{
	int err = linebuf_finish(p->lb);

	if (p->nfr)
		p->st.incomplete++;
	reset(p);
	return err;
}

void stap_get_stats(const struct stap *p, struct stap_stats *s)
{
	*s = p->st;
}
