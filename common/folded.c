#include "folded.h"
#include "error.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define COUNT_MAX_CHARS 63 /* a longer "number" is not a count */

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* Checks the shape [0-9]+(.[0-9]*)?([eE][+-]?[0-9]+)? or .[0-9]+... */
static int count_shape_ok(const char *s, size_t len)
{
	size_t i = 0, digits = 0;

	while (i < len && is_digit(s[i]))
		i++, digits++;
	if (i < len && s[i] == '.') {
		i++;
		while (i < len && is_digit(s[i]))
			i++, digits++;
	}
	if (!digits)
		return 0;
	if (i < len && (s[i] == 'e' || s[i] == 'E')) {
		size_t exp_digits = 0;

		i++;
		if (i < len && (s[i] == '+' || s[i] == '-'))
			i++;
		while (i < len && is_digit(s[i]))
			i++, exp_digits++;
		if (!exp_digits)
			return 0;
	}
	return i == len;
}

int folded_parse_count(const char *s, size_t len, double *out)
{
	char buf[COUNT_MAX_CHARS + 1];
	double v;

	if (len == 0 || len > COUNT_MAX_CHARS || !count_shape_ok(s, len))
		return -FE_SYNTAX;
	memcpy(buf, s, len);
	buf[len] = '\0';
	v = strtod(buf, NULL);
	if (!isfinite(v) || v < 0)
		return -FE_SYNTAX;
	*out = v;
	return 0;
}

/* The last blank-separated field of s[0..*len): its start; *len becomes the
 * length of what precedes it, trailing blanks removed.  NULL if s has no
 * blank before a field. */
static const char *last_field(const char *s, size_t *len, size_t *flen)
{
	size_t end = *len, start;

	while (end > 0 && is_blank(s[end - 1]))
		end--;
	start = end;
	while (start > 0 && !is_blank(s[start - 1]))
		start--;
	if (start == 0 || start == end)
		return NULL;
	*flen = end - start;
	*len = start;
	while (*len > 0 && is_blank(s[*len - 1]))
		(*len)--;
	return s + start;
}

int folded_parse_line(const char *line, size_t len, struct folded_line *out)
{
	const char *f1, *f2;
	size_t rest, f1len, f2len, rest2;
	double c1, c2;

	if (len > 0 && line[len - 1] == '\n')
		len--;
	if (len > 0 && line[len - 1] == '\r')
		len--;
	if (memchr(line, '\0', len))
		return -FE_SYNTAX;
	rest = len;
	f2 = last_field(line, &rest, &f2len);
	if (!f2 || rest == 0 || folded_parse_count(f2, f2len, &c2))
		return -FE_SYNTAX;
	out->stack = line;
	out->stack_len = rest;
	out->count = c2;
	out->count2 = 0;
	out->has_count2 = 0;
	rest2 = rest;
	f1 = last_field(line, &rest2, &f1len);
	if (f1 && rest2 > 0 && !folded_parse_count(f1, f1len, &c1)) {
		out->stack_len = rest2;
		out->count = c1;
		out->count2 = c2;
		out->has_count2 = 1;
	}
	return 0;
}
