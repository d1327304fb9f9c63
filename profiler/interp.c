#include "interp.h"
#include "../unwind/addrspace.h"

#include <string.h>

unsigned interp_kind_of_path(const char *path)
{
	const char *base = strrchr(path, '/');

	base = base ? base + 1 : path;
	if (!strncmp(base, "python", 6) || !strncmp(base, "libpython", 9))
		return INTERP_PYTHON;
	if (!strcmp(base, "erl") || !strncmp(base, "beam.", 5) ||
	    !strcmp(base, "beam") || !strcmp(base, "elixir") ||
	    !strcmp(base, "iex") || !strcmp(base, "mix") ||
	    !strcmp(base, "escript"))
		return INTERP_BEAM;
	if (!strcmp(base, "node") || !strcmp(base, "nodejs") ||
	    !strncmp(base, "libnode", 7))
		return INTERP_NODE;
	return 0;
}

static int add_kind(void *ctx, uint64_t start, uint64_t end, uint64_t pgoff,
		    uint32_t prot, const char *path)
{
	*(unsigned *)ctx |= interp_kind_of_path(path);
	return 0;
}

unsigned interp_kind_of_pid(pid_t pid)
{
	struct addrspace *as = addrspace_new(pid);
	unsigned kind = 0;

	if (as && addrspace_load_proc_maps(as, 0) == 0)
		addrspace_foreach_map(as, add_kind, &kind);
	addrspace_free(as);
	return kind;
}
