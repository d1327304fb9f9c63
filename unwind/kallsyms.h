/* kallsyms.h - kernel symbols from /proc/kallsyms, read once.
 *
 * Reading the file costs ~60 ms (about 120k lines), so the recorder loads
 * it once, before sampling starts (not in the middle of draining rings).  Only text symbols (t/T, w/W)
 * are kept.  When addresses are hidden (kptr_restrict, all zero), every
 * lookup fails and names come out as "[kernel]".
 */
#ifndef FLAMER_UNWIND_KALLSYMS_H
#define FLAMER_UNWIND_KALLSYMS_H

#include <stdint.h>
#include <stdio.h>

struct kallsyms;

/* Loads symbols from path (normally "/proc/kallsyms").  Returns a table
 * owned by the caller or NULL with *err set (-errno). */
struct kallsyms *kallsyms_load(const char *path, int *err);

/* Same from an open stream (for tests); the stream stays the caller's. */
struct kallsyms *kallsyms_load_stream(FILE *f, int *err);

/* The function containing addr, or NULL.  *off (may be NULL) gets the offset
 * into it.  The name is borrowed: valid until kallsyms_free. */
const char *kallsyms_lookup(const struct kallsyms *k, uint64_t addr,
			    uint64_t *off);

/* Number of symbols loaded. */
size_t kallsyms_count(const struct kallsyms *k);

void kallsyms_free(struct kallsyms *k); /* NULL is accepted */

#endif
