/* stap.h - folds SystemTap stack output into collapsed stacks.
 *
 * Input: what the usual sampling scripts print at their end,
 *   foreach (k in s-) { print_ustack(k); printf("\t%d\n", @count(s[k])) }
 * (or print_stack/print_backtrace): a stack as one line per frame, leaf
 * first, " 0xADDR : func+0xOFF/0xSIZE [module]", then a line holding only
 * the count.  Frames become "func" (offset, size and module dropped),
 * unresolved ones "[module]" or "[unknown]"; kernel frames (module
 * "kernel" or an address in the upper half) get "_[k]".  Any other
 * non-blank line is taken as a frame name as it stands (scripts that print
 * execname() before the count get it as the root).  Frames pending at the
 * end of input without a count are dropped and counted.
 */
#ifndef FLAMER_COLLAPSE_STAP_H
#define FLAMER_COLLAPSE_STAP_H

#include <stddef.h>
#include <stdint.h>

#include "fold.h"

#define STAP_MAX_LINE (1u << 20)
#define STAP_MAX_FRAMES 65536u
#define STAP_MAX_STACK (16u << 20)

struct stap_stats {
	uint64_t stacks;     /* added to the fold */
	uint64_t incomplete; /* frames without a count at the end, empty stacks */
	uint64_t dropped;    /* stacks dropped for an overlong line */
	uint64_t truncated;  /* stacks cut at STAP_MAX_FRAMES/STACK */
	uint64_t bad_counts; /* count lines out of range */
};

struct stap;

/* A parser adding to f (borrowed), or NULL when out of memory. */
struct stap *stap_new(struct fold *f, int no_kernel);
void stap_free(struct stap *p); /* NULL is accepted */
int stap_feed(struct stap *p, const char *buf, size_t len); /* 0 or -ENOMEM */
int stap_finish(struct stap *p);
void stap_get_stats(const struct stap *p, struct stap_stats *s);

#endif
