/* ehhdr.c - see ehhdr.h. */
#include "ehhdr.h"

#include <string.h>

uint64_t ehhdr_lookup(const unsigned char *hdr, size_t len, uint64_t at,
		      uint64_t pc)
{
	size_t ptr, lo, hi, count;
	uint32_t n;
	int32_t loc;

	if (len < 4 || hdr[0] != 1 || hdr[2] != 0x03 || hdr[3] != 0x3b)
		return 0;
	switch (hdr[1] & 0x0f) {
	case 0x03: case 0x0b: ptr = 4; break;
	case 0x04: case 0x0c: ptr = 8; break;
	default: return 0;
	}
	if (len < 4 + ptr + 4)
		return 0;
	memcpy(&n, hdr + 4 + ptr, sizeof n);
	count = n;
	hdr += 8 + ptr;
	len -= 8 + ptr;
	if (count == 0 || count > len / 8)
		return 0;
	lo = 0;
	hi = count; /* the answer is in [lo, hi) */
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		memcpy(&loc, hdr + mid * 8, sizeof loc);
		if (at + (uint64_t)(int64_t)loc <= pc)
			lo = mid;
		else
			hi = mid;
	}
	memcpy(&loc, hdr + lo * 8, sizeof loc);
	return at + (uint64_t)(int64_t)loc <= pc ? at + (uint64_t)(int64_t)loc
						 : 0;
}
