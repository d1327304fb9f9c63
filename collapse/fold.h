/* fold.h - the table of unique stacks that every collapse input feeds.
 *
 * A stack is its collapsed text, root first: "root;frame;...;leaf".  Each
 * unique (group, stack) pair gets one entry whose weight is the sum of what
 * was added.  Groups are optional (group 0 is "no group"): a flamer
 * recording uses one per thread, so speedscope can show a profile per
 * thread, while the folded output merges equal stacks of different groups.
 * Memory grows with the number of unique stacks only.
 */
#ifndef FLAMER_COLLAPSE_FOLD_H
#define FLAMER_COLLAPSE_FOLD_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct fold;

/* The most bytes of unique stack text a fold holds; fold_add() returns
 * -FE_TOO_BIG past it (real profiles hold tens of MiB). */
#define FOLD_MAX_BYTES (256ull << 20)

/* One unique stack, as handed out by fold_sorted(). */
struct fold_entry {
	const char *stack; /* NUL-terminated, borrowed from the fold */
	size_t len;
	double weight;
	uint32_t group;
};

/* A new empty table (owned by the caller, see fold_free) or NULL. */
struct fold *fold_new(void);
void fold_free(struct fold *f); /* NULL is accepted */

/* Adds weight to stack[0..len) in group.  Returns 0, -ENOMEM, or -FE_RANGE
 * when the stack's total would leave the range of a double (it is then
 * unchanged). */
int fold_add(struct fold *f, uint32_t group, const char *stack, size_t len,
	     double weight);

/* Registers a group name (copied) and returns its id (>= 1) or -ENOMEM.
 * The same name gives the same id. */
int64_t fold_group(struct fold *f, const char *name, size_t len);

/* Name of a group (borrowed; "" for group 0 or an unknown id). */
const char *fold_group_name(const struct fold *f, uint32_t group);

/* Number of registered groups (not counting group 0). */
size_t fold_ngroups(const struct fold *f);

/* Number of unique (group, stack) entries. */
size_t fold_count(const struct fold *f);

/* All entries sorted bytewise by stack, then by group.  Returns a new array
 * (owned by the caller, free() it; entries borrow from the fold) and its
 * length in *n, or NULL with *n = 0 when empty or out of memory (then
 * *err = -ENOMEM). */
struct fold_entry *fold_sorted(const struct fold *f, size_t *n, int *err);

/* Writes "stack weight\n" lines, equal stacks of different groups merged,
 * sorted bytewise.  Returns 0 or a negative errno. */
int fold_write_folded(const struct fold *f, FILE *out);

/* Formats a weight as flamer prints counts: an integer when it is one,
 * otherwise the shortest %g form.  buf must hold 32 bytes. */
void fold_format_weight(double w, char *buf);

#endif
