/* foldedin.h - reads collapsed stacks ("a;b;c 12") as collapse input.
 *
 * Lines are parsed with common/folded.h; equal stacks are merged and the
 * result re-sorted.  Blank lines and lines starting with "#" are skipped;
 * malformed lines (including two-column differential lines, which have no
 * single count) are skipped and counted.
 */
#ifndef FLAMER_COLLAPSE_FOLDEDIN_H
#define FLAMER_COLLAPSE_FOLDEDIN_H

#include <stddef.h>
#include <stdint.h>

#include "fold.h"

#define FOLDEDIN_MAX_LINE (16u << 20)

struct foldedin_stats {
	uint64_t stacks, bad_lines, dropped;
};

struct foldedin;

/* A reader adding to f (borrowed), or NULL when out of memory.  no_kernel
 * drops frames ending in "_[k]". */
struct foldedin *foldedin_new(struct fold *f, int no_kernel);
void foldedin_free(struct foldedin *p); /* NULL is accepted */
int foldedin_feed(struct foldedin *p, const char *buf, size_t len);
int foldedin_finish(struct foldedin *p);
void foldedin_get_stats(const struct foldedin *p, struct foldedin_stats *s);

#endif
