#include "text.h"

#include <string.h>

static const char replacement[] = "\xef\xbf\xbd"; /* U+FFFD */
static const char ellipsis[] = "\xe2\x80\xa6";    /* U+2026 */

/* Length of the valid UTF-8 sequence at p[0..n) that is allowed in a name,
 * or 0 when p[0] starts no such sequence. */
static size_t utf8_seq(const unsigned char *p, size_t n)
{
	unsigned c = p[0];
	size_t len;
	unsigned cp;

	if (c < 0x80)
		return (c < 0x20 || c == 0x7f) ? 0 : 1;
	if (c >= 0xc2 && c <= 0xdf)
		len = 2, cp = c & 0x1f;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3, cp = c & 0x0f;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4, cp = c & 0x07;
	else
		return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
	    cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff) ||
	    cp == 0xfffe || cp == 0xffff)
		return 0;
	return len;
}

int text_is_clean(const char *in, size_t n)
{
	const unsigned char *p = (const unsigned char *)in;
	size_t i = 0;

	if (n > TEXT_NAME_MAX)
		return 0;
	while (i < n) {
		size_t l;

		if (p[i] >= 0x20 && p[i] < 0x7f) {
			i++;
			continue;
		}
		l = utf8_seq(p + i, n - i);
		if (!l)
			return 0;
		i += l;
	}
	return 1;
}

size_t text_clean(const char *in, size_t n, char *out)
{
	const unsigned char *p = (const unsigned char *)in;
	size_t i = 0, o = 0, lim = n < TEXT_NAME_MAX ? n : TEXT_NAME_MAX;

	while (i < lim) {
		size_t l = utf8_seq(p + i, lim - i);

		if (l) {
			memcpy(out + o, p + i, l);
			o += l;
			i += l;
		} else {
			memcpy(out + o, replacement, 3);
			o += 3;
			i++;
		}
	}
	if (n > lim) {
		memcpy(out + o, ellipsis, 3);
		o += 3;
	}
	return o;
}

static int ends_with(const char *s, size_t n, const char *suffix)
{
	size_t k = strlen(suffix);

	return n >= k && !memcmp(s + n - k, suffix, k);
}

/* "... (something.py)" or "... (something.py:123)" */
static int is_python(const char *s, size_t n)
{
	size_t i;

	if (n < 6 || s[n - 1] != ')')
		return 0;
	i = n - 1;
	while (i > 0 && s[i - 1] >= '0' && s[i - 1] <= '9')
		i--;
	if (i < n - 1) {
		if (i == 0 || s[i - 1] != ':')
			return 0;
		i--;
	}
	if (ends_with(s, i, ".py") && memchr(s, '(', i) != NULL)
		return 1;
	/* code without a file: "f (<frozen importlib._bootstrap>)",
	 * "<module> (<string>)" */
	return ends_with(s, i, ">") && memmem(s, i, " (<", 3) != NULL;
}

/* "mod:fun/2", "'Elixir.A.B':run/2", "A.B.run/2" (no spaces) */
static int is_erlang(const char *s, size_t n)
{
	size_t i = n;

	while (i > 0 && s[i - 1] >= '0' && s[i - 1] <= '9')
		i--;
	if (i == n || i < 3 || s[i - 1] != '/' || memchr(s, ' ', n))
		return 0;
	if (s[0] == '$')
		s++, i--;
	if (memchr(s, ':', i) && !memchr(s, '(', i))
		return 1;
	return s[0] >= 'A' && s[0] <= 'Z' && memchr(s, '.', i) != NULL;
}

enum text_kind text_kind_of(const char *s, size_t *n)
{
	static const struct {
		const char *suffix;
		enum text_kind kind;
	} suffixes[] = {
		{ "_[k]", TK_KERNEL }, { "_[j]", TK_JIT },
		{ "_[i]", TK_INLINE }, { "_[w]", TK_WAKER },
	};
	size_t len = *n;

	for (size_t i = 0; i < sizeof suffixes / sizeof suffixes[0]; i++) {
		if (len > 4 && ends_with(s, len, suffixes[i].suffix)) {
			*n = len - 4;
			return suffixes[i].kind;
		}
	}
	if (len >= 2 && s[0] == '[' && s[len - 1] == ']') {
		if ((len == 11 && !memcmp(s, "[truncated]", 11)) ||
		    (len == 9 && !memcmp(s, "[invalid]", 9)))
			return TK_BROKEN;
		return TK_SPECIAL;
	}
	if (is_python(s, len))
		return TK_PYTHON;
	if (is_erlang(s, len))
		return TK_ERLANG;
	if (memmem(s, len, "+0x", 3) && !memchr(s, ' ', len))
		return TK_SPECIAL;
	return TK_NATIVE;
}

size_t text_label(const char *name, size_t n, int max_chars, int *cut)
{
	size_t i = 0, keep = 0;
	int chars = 0;

	*cut = 0;
	if (max_chars < 3)
		return 0;
	while (i < n) {
		if (chars == max_chars - 2)
			keep = i;
		if (chars == max_chars) {
			*cut = 1;
			return keep;
		}
		i++;
		while (i < n && ((unsigned char)name[i] & 0xc0) == 0x80)
			i++;
		chars++;
	}
	return n;
}
