/* num.h - checked number parsers for everything that comes from a user.
 *
 * "99x", "", " 5", "-1" for an unsigned, and values out of [min, max] are
 * errors, never silently 0.  All return 0 or -FE_NUMBER / -FE_RANGE and leave
 * *out untouched on error.
 */
#ifndef FLAMER_COMMON_NUM_H
#define FLAMER_COMMON_NUM_H

#include <stdint.h>

/* Decimal (or 0x hex) unsigned integer in [min, max]. */
int num_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out);

/* Finite decimal number in [min, max] ("1.5", "20", "1e3"). */
int num_parse_double(const char *s, double min, double max, double *out);

#endif
