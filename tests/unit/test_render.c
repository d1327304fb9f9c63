/* Unit tests for render/: escaping, name cleaning, frame kinds, labels,
 * number formatting, the tree (merge, sort, layout, minwidth merging,
 * limits), colours and the line reader. */
#include "check.h"

#include "../../common/error.h"
#include "../../render/flame.h"
#include "../../render/input.h"
#include "../../render/obuf.h"
#include "../../render/palette.h"
#include "../../render/text.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <unistd.h>

/* ob's bytes as a NUL-terminated string (valid until the next call). */
static const char *ob_str(struct obuf *ob)
{
	obuf_putc(ob, '\0');
	ob->len--;
	return ob->buf;
}

static void test_escape(void)
{
	struct obuf ob;
	const char *evil = "<img src=x onerror=alert(1)> & \"q\" 'a' ]]>";

	CHECK(obuf_init(&ob, -1) == 0);
	obuf_xml(&ob, evil, strlen(evil));
	CHECK_STR(ob_str(&ob), "&lt;img src=x onerror=alert(1)&gt; &amp; "
			       "&quot;q&quot; &#39;a&#39; ]]&gt;");
	ob.len = 0;
	obuf_xml(&ob, "caf\xc3\xa9", 5);
	CHECK_STR(ob_str(&ob), "caf\xc3\xa9");
	obuf_free(&ob);
}

static void test_numbers(void)
{
	struct obuf ob;

	CHECK(obuf_init(&ob, -1) == 0);
	obuf_fixed(&ob, 12.345, 2);
	obuf_putc(&ob, ' ');
	obuf_fixed(&ob, -0.5, 0);
	obuf_putc(&ob, ' ');
	obuf_fixed(&ob, 7, 1);
	obuf_putc(&ob, ' ');
	obuf_count(&ob, 1234567);
	obuf_putc(&ob, ' ');
	obuf_count(&ob, 2.5);
	obuf_putc(&ob, ' ');
	obuf_count(&ob, 999);
	CHECK_STR(ob_str(&ob), "12.35 -1 7.0 1,234,567 2.50 999");
	obuf_free(&ob);
}

static int clean_is(const char *in, size_t n, const char *want)
{
	char *out = malloc(TEXT_CLEAN_CAP(n));
	size_t len = text_clean(in, n, out);
	int ok = len == strlen(want) && !memcmp(out, want, len);

	if (!ok)
		fprintf(stderr, "clean gave '%.*s'\n", (int)len, out);
	free(out);
	return ok;
}

static void test_clean(void)
{
	static const char bad[] = "a\xff" "b\xc3" "c\xe0\x80\x80" "d\xed\xa0\x80"
				  "e\x01" "f\x7f";

	CHECK(text_is_clean("main", 4));
	CHECK(text_is_clean("\xe2\x82\xac x", 5));
	CHECK(!text_is_clean(bad, sizeof bad - 1));
	CHECK(clean_is("ok \xf0\x9f\x94\xa5", 7, "ok \xf0\x9f\x94\xa5"));
	CHECK(clean_is("a\xff" "b", 3, "a\xef\xbf\xbd" "b"));
	/* truncated sequence, overlong, surrogate, control, DEL */
	CHECK(clean_is("x\xc3", 2, "x\xef\xbf\xbd"));
	CHECK(clean_is("\xe0\x80\x80", 3,
		       "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"));
	CHECK(clean_is("\xed\xa0\x80", 3,
		       "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"));
	CHECK(clean_is("a\tb\x7f", 4, "a\xef\xbf\xbd" "b\xef\xbf\xbd"));
	CHECK(clean_is("\xef\xbf\xbe", 3,
		       "\xef\xbf\xbd\xef\xbf\xbd\xef\xbf\xbd"));
	/* a long name is cut and ends in U+2026 */
	{
		size_t n = TEXT_NAME_MAX + 100;
		char *in = malloc(n), *out = malloc(TEXT_CLEAN_CAP(n));
		size_t len;

		memset(in, 'x', n);
		len = text_clean(in, n, out);
		CHECK(len == TEXT_NAME_MAX + 3);
		CHECK(!memcmp(out + TEXT_NAME_MAX, "\xe2\x80\xa6", 3));
		CHECK(!text_is_clean(in, n));
		free(in);
		free(out);
	}
}

static int kind_is(const char *name, enum text_kind want, size_t want_len)
{
	size_t n = strlen(name);
	enum text_kind k = text_kind_of(name, &n);

	if (k != want || n != want_len)
		fprintf(stderr, "%s: kind %d len %zu\n", name, k, n);
	return k == want && n == want_len;
}

static void test_kinds(void)
{
	CHECK(kind_is("do_syscall_64_[k]", TK_KERNEL, 13));
	CHECK(kind_is("Interpreter_[j]", TK_JIT, 11));
	CHECK(kind_is("inl_[i]", TK_INLINE, 3));
	CHECK(kind_is("waker_[w]", TK_WAKER, 5));
	CHECK(kind_is("main", TK_NATIVE, 4));
	CHECK(kind_is("std::vector<int>::push_back", TK_NATIVE, 27));
	CHECK(kind_is("operator()", TK_NATIVE, 10));
	CHECK(kind_is("handler (app.py)", TK_PYTHON, 16));
	CHECK(kind_is("Cls.run (lib/x.py:12)", TK_PYTHON, 21));
	CHECK(kind_is("_find_and_load (<frozen importlib._bootstrap>)", TK_PYTHON, 46));
	CHECK(kind_is("<module> (<string>)", TK_PYTHON, 19));
	CHECK(kind_is("f(std::vector<int>)", TK_NATIVE, 19));
	CHECK(kind_is("f (x.pyc)", TK_NATIVE, 9));
	CHECK(kind_is("fibm:fib/1", TK_ERLANG, 10));
	CHECK(kind_is("'Elixir.MyApp.Worker':run/2", TK_ERLANG, 27));
	CHECK(kind_is("MyApp.Worker.run/2", TK_ERLANG, 18));
	CHECK(kind_is("$fibm:fib/1", TK_ERLANG, 11));
	CHECK(kind_is("[unknown]", TK_SPECIAL, 9));
	CHECK(kind_is("[libfoo.so]", TK_SPECIAL, 11));
	CHECK(kind_is("libfoo.so+0x1a2b", TK_SPECIAL, 16));
	CHECK(kind_is("[truncated]", TK_BROKEN, 11));
	CHECK(kind_is("[invalid]", TK_BROKEN, 9));
	CHECK(kind_is("_[k]", TK_NATIVE, 4)); /* nothing before the suffix */
}

static void test_label(void)
{
	int cut;

	CHECK(text_label("abcdef", 6, 6, &cut) == 6 && !cut);
	CHECK(text_label("abcdef", 6, 10, &cut) == 6 && !cut);
	CHECK(text_label("abcdef", 6, 5, &cut) == 3 && cut);
	CHECK(text_label("abcdef", 6, 2, &cut) == 0);
	/* "é" is two bytes and one character */
	CHECK(text_label("\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9", 8, 3, &cut) == 2 &&
	      cut);
	CHECK(text_label("\xc3\xa9\xc3\xa9\xc3\xa9", 6, 3, &cut) == 6 && !cut);
}

static void test_colors(void)
{
	uint32_t a = palette_color(PAL_KIND, TK_NATIVE, "main", 4);
	enum palette p;

	CHECK(a == palette_color(PAL_KIND, TK_NATIVE, "main", 4));
	CHECK(a != palette_color(PAL_KIND, TK_KERNEL, "main", 4));
	CHECK(palette_color(PAL_KIND, TK_PYTHON, "main", 4) !=
	      palette_color(PAL_KIND, TK_ERLANG, "main", 4));
	/* kernel frames are orange, Python ones blue, Erlang purple-ish */
	{
		uint32_t k = palette_color(PAL_KIND, TK_KERNEL, "x", 1);
		uint32_t py = palette_color(PAL_KIND, TK_PYTHON, "x", 1);

		CHECK((k >> 16) > (k & 0xff) + 100);
		CHECK((py & 0xff) > (py >> 16) + 60);
	}
	CHECK(palette_diff(0, 10) == 0xffffff);
	CHECK((palette_diff(10, 10) >> 16) == 0xff &&
	      (palette_diff(10, 10) & 0xff) == 0);
	CHECK((palette_diff(-10, 10) & 0xff) == 0xff &&
	      (palette_diff(-10, 10) >> 16) == 0);
	CHECK(palette_parse("hot", &p) == 0 && p == PAL_HOT);
	CHECK(palette_parse("python", &p) == 0 && p == PAL_KIND);
	CHECK(palette_parse("nope", &p) == -FE_SYNTAX);
}

static struct flame *new_flame(double minwidth)
{
	struct flame_opts o;

	flame_opts_default(&o);
	o.minwidth = minwidth;
	return flame_new(&o);
}

static int add(struct flame *f, const char *stack, double n)
{
	return flame_add(f, stack, strlen(stack), n, 0, 0);
}

/* The laid-out frame named name at depth, or NULL. */
static const struct flame_frame *find(const struct flame_frame *fr, size_t n,
				      const char *name, unsigned depth)
{
	for (size_t i = 0; i < n; i++)
		if (fr[i].depth == depth && fr[i].name_len == strlen(name) &&
		    !memcmp(fr[i].name, name, fr[i].name_len))
			return &fr[i];
	return NULL;
}

static void test_tree(void)
{
	struct flame *f = new_flame(0);
	const struct flame_frame *fr, *x;
	size_t n;

	CHECK(f && flame_layout(f, &fr, &n) == -FE_EMPTY);
	CHECK(add(f, "main;b;leaf", 3) == 0);
	CHECK(add(f, "main;a", 1) == 0);
	CHECK(add(f, "main;b;leaf", 2) == 0);
	CHECK(add(f, "main;;b_[k]", 4) == 0); /* empty frame skipped */
	CHECK(flame_layout(f, &fr, &n) == 0);
	/* all, main, a, b, leaf, b_[k] (a different frame: kernel) */
	CHECK(n == 6);
	CHECK(fr[0].depth == 0 && fr[0].value == 10 && fr[0].x == 0);
	x = find(fr, n, "main", 1);
	CHECK(x && x->value == 10 && x->x == 0);
	/* children sorted by name: a, b, b (kernel) */
	x = find(fr, n, "a", 2);
	CHECK(x && x->x == 0 && x->value == 1);
	x = find(fr, n, "leaf", 3);
	CHECK(x && x->x == 1 && x->value == 5);
	CHECK(x && x->kind == TK_NATIVE);
	for (size_t i = 0; i < n; i++)
		if (fr[i].kind == TK_KERNEL)
			CHECK(fr[i].x == 6 && fr[i].value == 4 &&
			      fr[i].name_len == 1);
	flame_free(f);
}

/* Consecutive stacks share prefixes: the shortcut must not confuse "ab"
 * with "a" or a skipped empty frame with a real one. */
static void test_shared_prefix(void)
{
	struct flame *f = new_flame(0);
	const struct flame_frame *fr, *x;
	size_t n;

	add(f, "m;ab;x", 1);
	add(f, "m;a;y", 2);
	add(f, "m;ab;z", 4);
	add(f, "m;;ab;w", 8);
	add(f, "m;ab", 16);
	add(f, "m;abc;x", 32);
	CHECK(flame_layout(f, &fr, &n) == 0);
	x = find(fr, n, "ab", 2);
	CHECK(x && x->value == 29);
	x = find(fr, n, "a", 2);
	CHECK(x && x->value == 2);
	x = find(fr, n, "abc", 2);
	CHECK(x && x->value == 32);
	CHECK(n == 10); /* all m a y ab w x z abc x */
	x = find(fr, n, "m", 1);
	CHECK(x && x->value == 63);
	flame_free(f);
}

static void test_sort_and_modes(void)
{
	struct flame_opts o;
	struct flame *f;
	const struct flame_frame *fr, *x;
	size_t n;

	flame_opts_default(&o);
	o.minwidth = 0;
	o.sort_weight = 1;
	f = flame_new(&o);
	add(f, "m;a", 1);
	add(f, "m;z", 5);
	CHECK(flame_layout(f, &fr, &n) == 0);
	x = find(fr, n, "z", 2);
	CHECK(x && x->x == 0); /* heaviest first */
	flame_free(f);

	o.sort_weight = 0;
	o.reverse = 1;
	f = flame_new(&o);
	add(f, "a;b;leaf", 1);
	add(f, "c;leaf", 2);
	CHECK(flame_layout(f, &fr, &n) == 0);
	x = find(fr, n, "leaf", 1);
	CHECK(x && x->value == 3);
	CHECK(find(fr, n, "a", 3) != NULL);
	flame_free(f);

	o.reverse = 0;
	o.flamechart = 1;
	f = flame_new(&o);
	add(f, "m;b", 1);
	add(f, "m;a", 1);
	add(f, "m;b", 1);
	add(f, "m;b", 1);
	CHECK(flame_layout(f, &fr, &n) == 0);
	CHECK(n == 5); /* all, m, b, a, b: the later b's merge, the first not */
	CHECK(fr[2].x == 0 && fr[2].value == 1 && fr[2].name[0] == 'b');
	CHECK(fr[3].x == 1 && fr[3].name[0] == 'a');
	CHECK(fr[4].x == 2 && fr[4].value == 2);
	flame_free(f);
}

/* With a 1180 px graph of 10,000 samples, 1 px is about 8.5 samples. */
static void test_minwidth_merge(void)
{
	struct flame *f = new_flame(1);
	const struct flame_frame *fr, *x;
	char buf[64];
	size_t n;
	double sum = 0;

	add(f, "main;big;deep", 9000);
	for (int i = 0; i < 200; i++) {
		snprintf(buf, sizeof buf, "main;small%03d;child", i);
		add(f, buf, 5); /* 0.59 px each, 1000 samples together */
	}
	CHECK(flame_layout(f, &fr, &n) == 0);
	/* all, main, big, deep, one merged frame for the 200 narrow ones */
	CHECK(n == 5);
	x = find(fr, n, "[200 narrow frames]", 2);
	CHECK(x && x->merged == 200 && x->value == 1000 && x->x == 9000);
	CHECK(x && x->kind == TK_MERGED);
	for (size_t i = 0; i < n; i++)
		if (fr[i].depth == 2)
			sum += fr[i].value;
	CHECK(sum == fr[0].value); /* totals still add up */
	CHECK(find(fr, n, "child", 3) == NULL);
	flame_free(f);

	/* narrow frames whose sum is narrow too are dropped, not merged */
	f = new_flame(1);
	add(f, "main;big", 9994);
	add(f, "main;s1", 3);
	add(f, "main;s2", 3);
	CHECK(flame_layout(f, &fr, &n) == 0);
	CHECK(n == 3);
	flame_free(f);

	/* percent minimum width */
	{
		struct flame_opts o;

		flame_opts_default(&o);
		o.minwidth = 10;
		o.minwidth_pct = 1;
		f = flame_new(&o);
		add(f, "a", 95);
		add(f, "b", 5);
		CHECK(flame_layout(f, &fr, &n) == 0);
		CHECK(n == 2 && find(fr, n, "a", 1));
		flame_free(f);
	}
}

static void test_diff(void)
{
	struct flame *f = new_flame(0);
	const struct flame_frame *fr, *x;
	size_t n;

	CHECK(flame_add(f, "m;a", 3, 10, 4, 1) == 0);
	CHECK(flame_add(f, "m;b", 3, 0, 6, 1) == 0);
	CHECK(flame_is_diff(f));
	CHECK(flame_layout(f, &fr, &n) == 0);
	CHECK(fr[0].value == 10 && fr[0].before == 10);
	x = find(fr, n, "a", 2);
	CHECK(x && x->value == 10 && x->before == 4);
	CHECK(find(fr, n, "b", 2) == NULL); /* zero wide now */
	flame_free(f);
}

static void test_limits(void)
{
	struct flame *f = new_flame(0);
	const struct flame_frame *fr;
	size_t n, deep = 100000, big = 1 << 20;
	char *s = malloc(deep * 2);
	unsigned maxdepth = 0;
	int truncated_seen = 0;

	for (size_t i = 0; i < deep; i++) {
		s[2 * i] = 'f';
		s[2 * i + 1] = ';';
	}
	CHECK(flame_add(f, s, deep * 2 - 1, 1, 0, 0) == 0);
	CHECK(flame_truncated_stacks(f) == 1);
	free(s);
	s = malloc(big);
	memset(s, 'n', big);
	CHECK(flame_add(f, s, big, 1, 0, 0) == 0);
	free(s);
	CHECK(flame_layout(f, &fr, &n) == 0);
	CHECK(n == FLAME_MAX_DEPTH + 2);
	for (size_t i = 0; i < n; i++) {
		if (fr[i].depth > maxdepth)
			maxdepth = fr[i].depth;
		if (fr[i].name_len == 11 && !memcmp(fr[i].name, "[truncated]", 11))
			truncated_seen = fr[i].depth == FLAME_MAX_DEPTH;
		CHECK(fr[i].name_len <= TEXT_NAME_MAX + 3);
	}
	CHECK(maxdepth == FLAME_MAX_DEPTH);
	CHECK(truncated_seen);
	flame_free(f);
}

struct collected {
	size_t n;
	double sum;
};

static int collect(const struct folded_line *fl, void *arg)
{
	struct collected *c = arg;

	c->n++;
	c->sum += fl->count;
	return 0;
}

static void test_input(void)
{
	char path[] = "/tmp/flamer-test-input-XXXXXX";
	int fd = mkstemp(path);
	struct input_stats st;
	struct collected c = { 0 };
	static const char text[] = "a;b 1\n\nbad\r\na;c 2\r\nno count\na 3";
	size_t longlen = INPUT_LINE_MAX + 10;
	char *longline = malloc(longlen);

	CHECK(fd >= 0);
	CHECK(write(fd, text, sizeof text - 1) == (ssize_t)(sizeof text - 1));
	CHECK(lseek(fd, 0, SEEK_SET) == 0);
	CHECK(input_read(fd, collect, &c, &st) == 0);
	CHECK(c.n == 3 && c.sum == 6 && st.lines == 3 && st.malformed == 2);
	/* an over-long line is skipped, the next one still read */
	memset(longline, 'x', longlen);
	CHECK(ftruncate(fd, 0) == 0 && lseek(fd, 0, SEEK_SET) == 0);
	CHECK(write(fd, longline, longlen) == (ssize_t)longlen);
	CHECK(write(fd, " 5\nok 7\n", 8) == 8);
	CHECK(lseek(fd, 0, SEEK_SET) == 0);
	c.n = 0;
	c.sum = 0;
	CHECK(input_read(fd, collect, &c, &st) == 0);
	CHECK(c.n == 1 && c.sum == 7 && st.malformed == 1);
	free(longline);
	close(fd);
	unlink(path);
}

#define TESTS(X)                                                            \
	X(test_escape)                                                      \
	X(test_numbers)                                                     \
	X(test_clean)                                                       \
	X(test_kinds)                                                       \
	X(test_label)                                                       \
	X(test_colors)                                                      \
	X(test_tree)                                                        \
	X(test_shared_prefix)                                               \
	X(test_sort_and_modes)                                              \
	X(test_minwidth_merge)                                              \
	X(test_diff)                                                        \
	X(test_limits)                                                      \
	X(test_input)
CHECK_MAIN(TESTS)
