/* vec.h - growing a heap array. */
#ifndef FLAMER_COMMON_VEC_H
#define FLAMER_COMMON_VEC_H

#include <stddef.h>

/* Makes *buf (an array of *cap elements of elem bytes, may be NULL) hold at
 * least need elements, doubling from 256.  On success *buf and *cap may
 * change (the old pointer is no longer valid); on failure both are left as
 * they were.  Returns 0 or -ENOMEM. */
int vec_reserve(void **buf, size_t *cap, size_t need, size_t elem);

#endif
