/* linetable.c - line numbers from CPython's line tables.
 *
 * 3.8-3.9 co_lnotab: (byte offset delta, signed line delta) pairs.
 * 3.10 co_linetable: (byte length of a range, signed line delta or -128 for
 * "no line") pairs.
 * 3.11+ co_linetable (the location table): entries starting with a byte
 * 1cccclll, covering lll+1 code units; code cccc says how the line changes
 * (15 none, 14 long form, 13 no columns, 10-12 one line +0..2, 0-9 short
 * form same line) and how many bytes follow.
 * Every decoder stops at len: the bytes come from the target's memory.
 */
#include "pyint.h"

static int lnotab_line(const unsigned char *tab, size_t len, int line,
		       long addr)
{
	long a = 0;

	for (size_t i = 0; i + 1 < len; i += 2) {
		a += tab[i];
		if (a > addr)
			break;
		line += (signed char)tab[i + 1];
	}
	return line;
}

static int linetable310_line(const unsigned char *tab, size_t len, int line,
			     long addr)
{
	long start, end = 0;
	int cur;

	for (size_t i = 0; i + 1 < len; i += 2) {
		start = end;
		end += tab[i];
		if ((signed char)tab[i + 1] == -128) {
			cur = -1;
		} else {
			line += (signed char)tab[i + 1];
			cur = line;
		}
		if (addr >= start && addr < end)
			return cur;
	}
	return -1;
}

/* Reads a 6-bit-chunk varint at tab[*i]; -1 when it runs past len. */
static long read_varint(const unsigned char *tab, size_t len, size_t *i)
{
	unsigned long val = 0;
	unsigned shift = 0;
	unsigned char b;

	do {
		if (*i >= len || shift > 30)
			return -1;
		b = tab[(*i)++];
		val |= (unsigned long)(b & 63) << shift;
		shift += 6;
	} while (b & 64);
	return (long)val;
}

static int read_svarint(const unsigned char *tab, size_t len, size_t *i,
			long *out)
{
	long u = read_varint(tab, len, i);

	if (u < 0)
		return -1;
	*out = (u & 1) ? -(u >> 1) : (u >> 1);
	return 0;
}

/* Line delta of the entry whose first byte is tab[*i - 1] with code
 * `code`; advances *i past the entry.  -1 on malformed input. */
static int entry_delta(int code, const unsigned char *tab, size_t len,
		       size_t *i, long *delta)
{
	*delta = 0;
	if (code == 15)
		return 0;
	if (code == 14 || code == 13) {
		if (read_svarint(tab, len, i, delta))
			return -1;
		if (code == 14)
			for (int k = 0; k < 3; k++)
				if (read_varint(tab, len, i) < 0)
					return -1;
		return 0;
	}
	if (code >= 10) {
		*delta = code - 10;
		*i += 2;
	} else {
		*i += 1;
	}
	return *i <= len ? 0 : -1;
}

static int location_line(const unsigned char *tab, size_t len, long line,
			 long addr)
{
	long unit = addr / 2, pos = 0, delta;
	size_t i = 0;

	while (i < len) {
		unsigned char b = tab[i++];
		int code = (b >> 3) & 15;

		if (!(b & 0x80) || entry_delta(code, tab, len, &i, &delta))
			return -1;
		line += delta;
		if (line < -(1L << 31) || line > (1L << 31) - 1)
			return -1;
		pos += (b & 7) + 1;
		if (unit < pos)
			return code == 15 ? -1 : (int)line;
	}
	return -1;
}

int py_line_of(int minor, const unsigned char *tab, size_t len,
	       int firstlineno, long addr)
{
	if (!tab || addr < 0)
		return firstlineno;
	if (minor <= 9)
		return lnotab_line(tab, len, firstlineno, addr);
	if (minor == 10)
		return linetable310_line(tab, len, firstlineno, addr);
	return location_line(tab, len, firstlineno, addr);
}
