#include "num.h"
#include "error.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>

int num_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out)
{
	char *end;
	unsigned long long v;
	int base = 10;

	if (!s || !isdigit((unsigned char)s[0]))
		return -FE_NUMBER;
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		if (!isxdigit((unsigned char)s[2]))
			return -FE_NUMBER;
	}
	errno = 0;
	v = strtoull(s, &end, base);
	if (*end != '\0')
		return -FE_NUMBER;
	if (errno == ERANGE || v < min || v > max)
		return -FE_RANGE;
	*out = v;
	return 0;
}

int num_parse_double(const char *s, double min, double max, double *out)
{
	char *end;
	double v;

	if (!s || !(isdigit((unsigned char)s[0]) || s[0] == '.' ||
		    ((s[0] == '-' || s[0] == '+') && s[1] != '\0')))
		return -FE_NUMBER;
	errno = 0;
	v = strtod(s, &end);
	if (end == s || *end != '\0')
		return -FE_NUMBER;
	if (errno == ERANGE || !isfinite(v) || v < min || v > max)
		return -FE_RANGE;
	*out = v;
	return 0;
}
