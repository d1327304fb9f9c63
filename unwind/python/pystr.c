/* pystr.c - CPython str objects as read from a target: the compact
 * header's checks and the characters as UTF-8 fit for a folded line.
 * Pure: the callers read the memory. */
#include "pyint.h"

#include "../../common/error.h"

#include <string.h>

/* Appends code point c as UTF-8, replacing what would break a folded
 * stack line (';', control characters) or is not a character. */
size_t py_put_utf8(char *out, uint32_t c)
{
	if (c < 0x20 || c == ';' || c == 0x7f || (c >= 0xd800 && c < 0xe000) ||
	    c > 0x10ffff)
		c = '?';
	if (c < 0x80) {
		out[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		out[0] = (char)(0xc0 | c >> 6);
		out[1] = (char)(0x80 | (c & 63));
		return 2;
	}
	if (c < 0x10000) {
		out[0] = (char)(0xe0 | c >> 12);
		out[1] = (char)(0x80 | ((c >> 6) & 63));
		out[2] = (char)(0x80 | (c & 63));
		return 3;
	}
	out[0] = (char)(0xf0 | c >> 18);
	out[1] = (char)(0x80 | ((c >> 12) & 63));
	out[2] = (char)(0x80 | ((c >> 6) & 63));
	out[3] = (char)(0x80 | (c & 63));
	return 4;
}

int py_str_header(const struct pylayout *l, const unsigned char *hdr,
		  size_t max, struct pystr *out)
{
	uint32_t state;
	int64_t length;

	memcpy(&length, hdr + l->str_length, sizeof length);
	memcpy(&state, hdr + l->str_state, sizeof state);
	out->kind = (state >> 2) & 7;
	out->ascii = (state >> 6) & 1;
	if (length < 0 || length > (1 << 20) || !((state >> 5) & 1) ||
	    (out->kind != 1 && out->kind != 2 && out->kind != 4) ||
	    (out->ascii && out->kind != 1))
		return -FE_BAD_MEMORY;
	out->n = (size_t)length > max ? max : (size_t)length;
	out->data = (uint64_t)(out->ascii ? l->str_ascii_size :
					    l->str_compact_size);
	return 0;
}

int py_str_utf8(const struct pystr *s, const unsigned char *data, char *out,
		size_t outsize)
{
	size_t o = 0;

	for (size_t i = 0; i < s->n && o + 4 < outsize; i++) {
		const unsigned char *p = data + i * (size_t)s->kind;
		uint32_t c = s->kind == 1 ? p[0] :
			     s->kind == 2 ? (uint32_t)p[0] | (uint32_t)p[1] << 8 :
					    (uint32_t)p[0] | (uint32_t)p[1] << 8 |
						    (uint32_t)p[2] << 16 |
						    (uint32_t)p[3] << 24;

		if (s->ascii && c > 0x7f)
			return -FE_BAD_MEMORY;
		o += py_put_utf8(out + o, c);
	}
	out[o] = 0;
	return 0;
}
