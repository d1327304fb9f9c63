/* Where a thread's stack starts, for the stack builder and the CPython
 * merge (stack.h). */
#include "stack.h"

#include <string.h>

bool stack_is_root(const char *nm)
{
	/* _dl_start_user: the code after ld.so's _start calls _dl_start,
	 * the root of start-up samples (_dl_init, constructors) */
	static const char *const roots[] = { "_start", "_dl_start_user",
					     "__clone3", "clone3", "__clone",
					     "clone", "thread_start" };

	for (size_t i = 0; nm && i < sizeof roots / sizeof *roots; i++)
		if (!strcmp(nm, roots[i]))
			return true;
	return false;
}
