/* debuginfo.c - see debuginfo.h. */
#include "debuginfo.h"

#include <stdlib.h>
#include <string.h>

char *fl_debuginfo_path;

void fl_debuginfo_init(void)
{
	static char none[] = "/nonexistent/flamer-test-no-debuginfo";
	const char *v = getenv("FLAMER_TEST_NO_DEBUGINFO");

	fl_debuginfo_path = v && *v && strcmp(v, "0") != 0 ? none : NULL;
}
