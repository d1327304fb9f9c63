/* obuf.h - a big output buffer for the SVG writer, with XML escaping.
 *
 * Bytes accumulate in memory and go out in large write(2) calls.  Errors are
 * sticky: after a failed write every further call is a no-op and
 * obuf_flush() returns the error, so callers check once at the end.  With
 * fd < 0 the buffer only grows in memory (used by the unit tests).
 */
#ifndef FLAMER_RENDER_OBUF_H
#define FLAMER_RENDER_OBUF_H

#include <stddef.h>
#include <stdint.h>

struct obuf {
	char *buf;
	size_t len, cap;
	int fd;  /* < 0: memory only */
	int err; /* 0 or a negative errno, sticky */
};

/* Prepares ob to write to fd (or to memory when fd < 0).  Returns 0 or
 * -ENOMEM.  Release with obuf_free(). */
int obuf_init(struct obuf *ob, int fd);
void obuf_free(struct obuf *ob);

void obuf_put(struct obuf *ob, const void *p, size_t n);
void obuf_puts(struct obuf *ob, const char *s);
void obuf_putc(struct obuf *ob, char c);

/* v with exactly `decimals` (0..4) digits after the point, "-" if negative;
 * rounding half away from zero. */
void obuf_fixed(struct obuf *ob, double v, int decimals);

/* A count as shown to people: "1,234,567" for integral values, with two
 * decimals ("2.50") for fractional ones. */
void obuf_count(struct obuf *ob, double v);

/* s[0..n) with & < > " ' replaced by entities; safe in text and in
 * attribute values.  The caller passes valid UTF-8 without control
 * characters (see text.h: text_clean). */
void obuf_xml(struct obuf *ob, const char *s, size_t n);

/* Writes what is buffered (fd mode).  Returns 0 or the sticky error. */
int obuf_flush(struct obuf *ob);

#endif
