/* Interpreter support in the recorder: CPython frames and BEAM JIT
 * symbols.  (Filled in as the walkers land.) */
#include "sessionP.h"

void session_interp_prepare(struct session *s, struct proc *p)
{
	(void)s;
	(void)p;
}

int session_interp_merge(struct session *s, struct proc *p, pid_t tid,
			 uint32_t *ids, size_t *n, size_t nkernel,
			 uint32_t *flags)
{
	return 0;
}
