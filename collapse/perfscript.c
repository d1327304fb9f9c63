/* perfscript.c - `perf script` text to collapsed stacks.
 *
 * The line grammar follows what stackcollapse-perf.pl accepts (its regular
 * expressions are described in docs/collapse.md); the matching is written
 * out by hand so that each line is scanned a bounded number of times.
 */
#include "perfscript.h"
#include "linebuf.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct chunk {
	size_t off, len; /* one line's frames, already joined by ';' */
};

struct perfscript {
	struct fold *f;
	struct perfscript_opts o;
	struct linebuf *lb;
	struct perfscript_stats st;
	char *pname;          /* root of the current sample */
	size_t pname_len, pname_cap;
	int have_pname, is_java, truncated;
	double period;
	char *event;          /* the event type kept */
	size_t event_len, event_cap;
	int have_event;
	char *fb;             /* frame text of the current sample */
	size_t fb_len, fb_cap;
	struct chunk *chunks;
	size_t nchunks, chunks_cap;
	char *key;            /* the joined stack */
	size_t key_cap;
};

/* Perl's \s and \d on bytes. */
static int is_ws(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

static int is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

static int is_word(unsigned char c)
{
	return is_digit(c) || c == '_' || (c >= 'a' && c <= 'z') ||
	       (c >= 'A' && c <= 'Z');
}

static int reserve(char **buf, size_t *cap, size_t need)
{
	size_t n = *cap ? *cap : 1024;
	char *nb;

	if (need <= *cap)
		return 0;
	while (n < need)
		n *= 2;
	nb = realloc(*buf, n);
	if (!nb)
		return -ENOMEM;
	*buf = nb;
	*cap = n;
	return 0;
}

static const char *memmem_c(const char *h, size_t hl, const char *n)
{
	return memmem(h, hl, n, strlen(n));
}

/* ---- sample header: "comm PID[/TID] ... : PERIOD EVENT:" ---- */

struct header {
	const char *comm, *pid, *tid;
	size_t comm_len, pid_len, tid_len;
};

/* Mirrors the header pattern of stackcollapse-perf.pl: the shortest comm (2+ bytes)
 * followed by blanks, digits, slashes, digits and a blank. */
static int match_header(const char *s, size_t n, struct header *h)
{
	if (n < 2 || is_ws((unsigned char)s[0]))
		return 0;
	for (size_t i = 2; i < n; i++) {
		size_t j, k, m, t;

		if (!is_ws((unsigned char)s[i]) ||
		    (i > 2 && is_ws((unsigned char)s[i - 1])))
			continue;
		for (j = i; j < n && is_ws((unsigned char)s[j]); j++)
			;
		for (k = j; k < n && is_digit((unsigned char)s[k]); k++)
			;
		if (k == j)
			continue;
		for (m = k; m < n && s[m] == '/'; m++)
			;
		for (t = m; t < n && is_digit((unsigned char)s[t]); t++)
			;
		if (t == n || !is_ws((unsigned char)s[t]))
			continue;
		h->comm = s;
		h->comm_len = i;
		h->pid = s + j;
		h->pid_len = k - j;
		h->tid = s + m;
		h->tid_len = t - m;
		return 1;
	}
	return 0;
}

/* Mirrors /:\s*(\d+)*\s+(\S+):\s*$/.  Returns 1 with the event name and the
 * period digits (possibly empty). */
static int match_event(const char *s, size_t n, const char **ev,
		       size_t *ev_len, const char **per, size_t *per_len)
{
	size_t e = n, r, p1, d, w;

	while (e > 0 && is_ws((unsigned char)s[e - 1]))
		e--;
	for (r = e; r > 0 && !is_ws((unsigned char)s[r - 1]); r--)
		;
	if (r == 0 || e - r < 2 || s[e - 1] != ':')
		return 0;
	for (p1 = r; p1 > 0 && is_ws((unsigned char)s[p1 - 1]); p1--)
		;
	for (d = p1; d > 0 && is_digit((unsigned char)s[d - 1]); d--)
		;
	for (w = d; w > 0 && is_ws((unsigned char)s[w - 1]); w--)
		;
	if (w == 0 || s[w - 1] != ':')
		return 0;
	*ev = s + r;
	*ev_len = e - r - 1;
	*per = s + d;
	*per_len = p1 - d;
	return 1;
}

static double parse_period(const char *s, size_t n)
{
	double v = 0;

	if (n == 0 || (n == 1 && s[0] == '0'))
		return 1; /* perl: "" and "0" are false, so 1 */
	for (size_t i = 0; i < n; i++)
		v = v * 10 + (s[i] - '0');
	return v;
}

static int set_pname(struct perfscript *p, const struct header *h)
{
	const char *pid = h->pid, *tid = h->tid;
	size_t pid_len = h->pid_len, tid_len = h->tid_len, need;
	char *q;

	if (tid_len == 0 || (tid_len == 1 && tid[0] == '0')) {
		tid = pid; /* no "PID/TID": the number is the tid */
		tid_len = pid_len;
		pid = "?";
		pid_len = 1;
	}
	need = h->comm_len + pid_len + tid_len + 3;
	if (reserve(&p->pname, &p->pname_cap, need))
		return -ENOMEM;
	q = p->pname;
	memcpy(q, h->comm, h->comm_len);
	q += h->comm_len;
	if (p->o.tid || p->o.pid) {
		*q++ = '-';
		memcpy(q, pid, pid_len);
		q += pid_len;
	}
	if (p->o.tid) {
		*q++ = '/';
		memcpy(q, tid, tid_len);
		q += tid_len;
	}
	p->pname_len = (size_t)(q - p->pname);
	for (size_t i = 0; i < p->pname_len; i++)
		if (p->pname[i] == ' ')
			p->pname[i] = '_';
	p->is_java = p->pname_len >= 4 && !memcmp(p->pname, "java", 4);
	p->have_pname = 1;
	return 0;
}

/* Returns 1 when the line was a sample header (kept or skipped). */
static int header_line(struct perfscript *p, const char *s, size_t n,
		       int *err)
{
	struct header h;
	const char *ev, *per;
	size_t ev_len, per_len;
	double period = 1;

	*err = 0;
	if (!match_header(s, n, &h))
		return 0;
	if (match_event(s, n, &ev, &ev_len, &per, &per_len)) {
		if (!p->have_event) {
			*err = reserve(&p->event, &p->event_cap, ev_len + 1);
			if (*err)
				return 1;
			memcpy(p->event, ev, ev_len);
			p->event_len = ev_len;
			p->have_event = 1;
			snprintf(p->st.event, sizeof p->st.event, "%.*s",
				 (int)ev_len, ev);
		} else if (ev_len != p->event_len ||
			   memcmp(ev, p->event, ev_len) != 0) {
			if (!p->st.other[0])
				snprintf(p->st.other, sizeof p->st.other,
					 "%.*s", (int)ev_len, ev);
			p->st.other_events++;
			return 1;
		}
		period = parse_period(per, per_len);
	}
	p->period = period;
	*err = set_pname(p, &h);
	return 1;
}

/* ---- frame lines: "  ADDR sym+0xOFF (module)" ---- */

struct frame_line {
	const char *func, *mod;
	size_t func_len, mod_len;
};

/* Mirrors /^\s*(\w+)\s*(.+) \((.*)\)/ with Perl's backtracking: the module
 * lies between the last " (" that has a ")" after it and the last ")". */
static int match_frame(const char *s, size_t n, struct frame_line *fl)
{
	size_t a = 0, b, wsend, q, R, close;
	const char *cp;

	while (a < n && is_ws((unsigned char)s[a]))
		a++;
	for (b = a; b < n && is_word((unsigned char)s[b]); b++)
		;
	if (b == a)
		return 0;
	for (wsend = b; wsend < n && is_ws((unsigned char)s[wsend]); wsend++)
		;
	cp = memrchr(s, ')', n);
	if (!cp)
		return 0;
	close = (size_t)(cp - s);
	for (R = close < 2 ? 0 : close - 1; R > 0; R--)
		if (s[R - 1] == ' ' && s[R] == '(')
			break;
	if (R == 0)
		return 0;
	R--; /* position of the space of " (" */
	if (R < a + 2)
		return 0;
	q = wsend < R - 1 ? wsend : R - 1;
	fl->func = s + q;
	fl->func_len = R - q;
	fl->mod = s + R + 2;
	fl->mod_len = close - (R + 2);
	return 1;
}

static int is_kernel_mod(const char *m, size_t n)
{
	if (!((n > 0 && m[0] == '[') ||
	      (n >= 7 && !memcmp(m + n - 7, "vmlinux", 7))))
		return 0;
	return !memmem_c(m, n, "unknown");
}

/* The first "a" "b" pair in s[0..n), or NULL; cheaper than memmem for the
 * two-byte needles of the hot path. */
static const char *find2(const char *s, size_t n, char a, char b)
{
	const char *end = s + n, *p = s;

	while (p + 1 < end && (p = memchr(p, a, (size_t)(end - p - 1)))) {
		if (p[1] == b)
			return p;
		p++;
	}
	return NULL;
}

/* Drops everything from the first "(" not opening "(anonymous namespace)",
 * unless the name looks like a Go method ("pkg.(*T).M"). */
static size_t tidy_parens(char *s, size_t n)
{
	const char *dp;

	if (!memchr(s, '(', n))
		return n;
	dp = find2(s, n, '.', '(');
	if (dp && find2(dp + 2, n - (size_t)(dp + 2 - s), ')', '.'))
		return n;
	for (size_t i = 0; i < n; i++) {
		static const char anon[] = "anonymous namespace)";

		if (s[i] != '(')
			continue;
		if (n - i - 1 >= sizeof anon - 1 &&
		    !memcmp(s + i + 1, anon, sizeof anon - 1))
			continue;
		return i;
	}
	return n;
}

/* The name tidying of stackcollapse-perf.pl, on fb[start..]: ";" -> ":",
 * parameter lists cut, quotes deleted, Java's "L" prefix dropped.  The cut
 * does not depend on ";" or quotes, so one pass does the rest.  Returns the
 * new length of the frame. */
static size_t tidy(struct perfscript *p, size_t start, size_t n)
{
	char *s = p->fb + start;
	size_t o = 0;

	n = tidy_parens(s, n);
	for (size_t i = 0; i < n; i++) {
		char c = s[i];

		if (c == '"' || c == '\'')
			continue;
		s[o++] = c == ';' ? ':' : c;
	}
	n = o;
	if (p->is_java && n > 0 && s[0] == 'L' && memchr(s, '/', n)) {
		memmove(s, s + 1, n - 1);
		n--;
	}
	return n;
}

static int fb_add(struct perfscript *p, const char *s, size_t n)
{
	if (reserve(&p->fb, &p->fb_cap, p->fb_len + n + 1))
		return -ENOMEM;
	memcpy(p->fb + p->fb_len, s, n);
	p->fb_len += n;
	return 0;
}

/* Appends one element of a "a->b" frame; idx = elements kept so far. */
static int add_element(struct perfscript *p, const char *e, size_t n,
		       const struct frame_line *fl, size_t *idx)
{
	size_t start, len;
	int kernel = 0, err;

	if (*idx && (err = fb_add(p, ";", 1)))
		return err;
	start = p->fb_len;
	if (n == 9 && !memcmp(e, "[unknown]", 9)) {
		const char *m = fl->mod, *sl;
		size_t ml = fl->mod_len;

		if (ml == 9 && !memcmp(m, "[unknown]", 9)) {
			m = "unknown";
			ml = 7;
		} else if ((sl = memrchr(m, '/', ml))) {
			ml -= (size_t)(sl + 1 - m);
			m = sl + 1;
		}
		err = fb_add(p, "[", 1) || fb_add(p, m, ml) ||
		      fb_add(p, "]", 1);
	} else {
		err = fb_add(p, e, n);
	}
	if (err)
		return -ENOMEM;
	len = tidy(p, start, p->fb_len - start);
	p->fb_len = start + len;
	if (*idx) {
		if (!memmem_c(p->fb + start, len, "_[i]"))
			err = fb_add(p, "_[i]", 4);
	} else if (is_kernel_mod(fl->mod, fl->mod_len)) {
		kernel = 1;
		err = fb_add(p, "_[k]", 4);
	}
	if (kernel && p->o.no_kernel) {
		p->fb_len = start - (*idx ? 1 : 0);
		return 0;
	}
	(*idx)++;
	return err ? -ENOMEM : 0;
}

static int push_chunk(struct perfscript *p, size_t off)
{
	if (p->nchunks == p->chunks_cap) {
		size_t cap = p->chunks_cap ? p->chunks_cap * 2 : 256;
		struct chunk *nc = realloc(p->chunks, cap * sizeof *nc);

		if (!nc)
			return -ENOMEM;
		p->chunks = nc;
		p->chunks_cap = cap;
	}
	p->chunks[p->nchunks].off = off;
	p->chunks[p->nchunks].len = p->fb_len - off;
	p->nchunks++;
	return 0;
}

static int frame_line(struct perfscript *p, const struct frame_line *fl)
{
	const char *s = fl->func;
	size_t n = fl->func_len, k = n, off = p->fb_len, idx = 0;

	/* s/\+0x[\da-f]+$// */
	while (k > 0 && (is_digit((unsigned char)s[k - 1]) ||
			 (s[k - 1] >= 'a' && s[k - 1] <= 'f')))
		k--;
	if (k < n && k >= 3 && !memcmp(s + k - 3, "+0x", 3))
		n = k - 3;
	if (n > 0 && s[0] == '(')
		return 0;
	if (p->truncated || p->nchunks >= PERFSCRIPT_MAX_FRAMES ||
	    p->fb_len + n + 256 > PERFSCRIPT_MAX_STACK) {
		p->truncated = 1;
		return 0;
	}
	/* split /->/, trailing empty fields removed */
	while (n >= 2 && s[n - 2] == '-' && s[n - 1] == '>')
		n -= 2;
	for (size_t i = 0; i < n;) {
		const char *arrow = find2(s + i, n - i, '-', '>');
		size_t end = arrow ? (size_t)(arrow - s) : n;
		int err = add_element(p, s + i, end - i, fl, &idx);

		if (err)
			return err;
		i = arrow ? end + 2 : n;
	}
	return idx ? push_chunk(p, off) : 0;
}

/* ---- end of a sample ---- */

static int end_sample(struct perfscript *p)
{
	size_t len = p->pname_len;
	int err;

	for (size_t i = 0; i < p->nchunks; i++)
		len += 1 + p->chunks[i].len;
	if (reserve(&p->key, &p->key_cap, len + 1))
		return -ENOMEM;
	memcpy(p->key, p->pname, p->pname_len);
	len = p->pname_len;
	for (size_t i = p->nchunks; i-- > 0;) {
		p->key[len++] = ';';
		memcpy(p->key + len, p->fb + p->chunks[i].off,
		       p->chunks[i].len);
		len += p->chunks[i].len;
	}
	err = fold_add(p->f, 0, p->key, len, p->period);
	p->st.samples++;
	p->st.truncated += p->truncated != 0;
	p->truncated = 0;
	p->nchunks = 0;
	p->fb_len = 0;
	p->have_pname = 0;
	return err;
}

static void drop_sample(struct perfscript *p)
{
	if (p->have_pname)
		p->st.dropped++;
	p->have_pname = 0;
	p->nchunks = 0;
	p->fb_len = 0;
	p->truncated = 0;
}

static int on_line(void *ctx, const char *s, size_t n)
{
	struct perfscript *p = ctx;
	struct frame_line fl;
	int err;

	if (!s) {
		drop_sample(p);
		return 0;
	}
	if (n > 0 && s[0] == '#')
		return 0;
	if (n == 0)
		return p->have_pname ? end_sample(p) : 0;
	if (header_line(p, s, n, &err))
		return err;
	if (match_frame(s, n, &fl))
		return p->have_pname ? frame_line(p, &fl) : 0;
	p->st.unrecognized++;
	return 0;
}

struct perfscript *perfscript_new(struct fold *f,
				  const struct perfscript_opts *opts)
{
	struct perfscript *p = calloc(1, sizeof *p);

	if (!p)
		return NULL;
	p->f = f;
	if (opts)
		p->o = *opts;
	p->lb = linebuf_new(PERFSCRIPT_MAX_LINE, on_line, p);
	if (!p->lb) {
		free(p);
		return NULL;
	}
	return p;
}

void perfscript_free(struct perfscript *p)
{
	if (!p)
		return;
	linebuf_free(p->lb);
	free(p->pname);
	free(p->event);
	free(p->fb);
	free(p->chunks);
	free(p->key);
	free(p);
}

int perfscript_feed(struct perfscript *p, const char *buf, size_t len)
{
	return linebuf_feed(p->lb, buf, len);
}

int perfscript_finish(struct perfscript *p)
{
	return linebuf_finish(p->lb);
}

void perfscript_get_stats(const struct perfscript *p,
			  struct perfscript_stats *s)
{
	*s = p->st;
}
