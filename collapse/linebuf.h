/* linebuf.h - splits a byte stream, fed in chunks of any size, into lines.
 *
 * Each text parser of collapse (perf script, SystemTap, collapsed stacks) is
 * driven by linebuf so that it can take a file read in big chunks, stdin, or
 * one memory buffer (tests, fuzzing) alike.  Whole lines inside a chunk are
 * handed over in place, without a copy; only a line that straddles two chunks
 * is copied.  Lines longer than the cap are not buffered: they are reported
 * once as dropped (line NULL) and skipped, so memory stays bounded whatever
 * the input.
 */
#ifndef FLAMER_COLLAPSE_LINEBUF_H
#define FLAMER_COLLAPSE_LINEBUF_H

#include <stddef.h>
#include <stdint.h>

struct linebuf;

/* Called for every line, without its "\n" (a "\r" is left in place).  line
 * is borrowed for the call only; line == NULL (len 0) marks a line that was
 * dropped for being longer than the cap.  Return 0 to go on or a negative
 * error code to stop the feed (returned by linebuf_feed/finish). */
typedef int (*linebuf_fn)(void *ctx, const char *line, size_t len);

/* A new splitter for lines of at most max_line bytes (owned by the caller,
 * see linebuf_free), or NULL when out of memory. */
struct linebuf *linebuf_new(size_t max_line, linebuf_fn fn, void *ctx);
void linebuf_free(struct linebuf *lb); /* NULL is accepted */

/* Feed len bytes (borrowed).  Returns 0 or the first error of the callback,
 * or -ENOMEM. */
int linebuf_feed(struct linebuf *lb, const char *buf, size_t len);

/* End of input: a last line without "\n" is delivered.  Returns as feed. */
int linebuf_finish(struct linebuf *lb);

/* Number of lines dropped for their length so far. */
uint64_t linebuf_dropped(const struct linebuf *lb);

#endif
