/* fuzz_perfscript - `perf script` text (collapse/perfscript.c), fed in two
 * chunks split where the first byte says, with options from the size. */
#include "fuzz.h"
#include "../../collapse/fold.h"
#include "../../collapse/perfscript.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct perfscript_opts o = { .pid = size & 1, .tid = size & 2,
				     .no_kernel = size & 4 };
	struct perfscript_stats st;
	struct fold *f = fold_new();
	struct perfscript *p = f ? perfscript_new(f, &o) : NULL;
	size_t half = size ? data[0] % (size + 1) : 0;

	if (p && perfscript_feed(p, (const char *)data, half) == 0 &&
	    perfscript_feed(p, (const char *)data + half, size - half) == 0 &&
	    perfscript_finish(p) == 0) {
		perfscript_get_stats(p, &st);
		fold_write_folded(f, fuzz_devnull());
	}
	perfscript_free(p);
	fold_free(f);
	return 0;
}
