/* intern.h - a table of unique byte strings, each given a dense id.
 *
 * Used to deduplicate frame names, stacks (as byte strings of ids) and
 * anything else that needs "have I seen this before, and what number is it".
 * Ids are 0, 1, 2, ... in insertion order.  Memory grows with the number of
 * unique strings only.
 */
#ifndef FLAMER_COMMON_INTERN_H
#define FLAMER_COMMON_INTERN_H

#include <stddef.h>
#include <stdint.h>

struct intern;

/* Returns a new empty table (owned by the caller, see intern_free) or NULL. */
struct intern *intern_new(void);
void intern_free(struct intern *t); /* NULL is accepted */

/* Look up or add the len bytes at key.  Returns the id (>= 0), sets *added
 * (may be NULL) to 1 when the string is new, or returns -ENOMEM. */
int64_t intern_add(struct intern *t, const void *key, size_t len, int *added);

/* Look up only. Returns the id or -1. */
int64_t intern_find(const struct intern *t, const void *key, size_t len);

/* The bytes of id (borrowed: valid until the table is freed; strings are
 * also NUL-terminated) and their length in *len (may be NULL). */
const char *intern_get(const struct intern *t, uint32_t id, size_t *len);

/* Number of unique strings. */
size_t intern_count(const struct intern *t);

/* 64-bit hash of bytes (FNV-1a mixed), shared by flamer's tables. */
uint64_t intern_hash(const void *key, size_t len);

#endif
