#include "pprof.h"
#include "../common/error.h"

int pprof_write(const struct fold *f, FILE *out)
{
	return -FE_UNSUPPORTED;
}
