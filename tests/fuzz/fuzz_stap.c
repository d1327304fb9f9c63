/* fuzz_stap - SystemTap stack output (collapse/stap.c), fed in two chunks. */
#include "fuzz.h"
#include "../../collapse/fold.h"
#include "../../collapse/stap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct stap_stats st;
	struct fold *f = fold_new();
	struct stap *p = f ? stap_new(f, size & 1) : NULL;
	size_t half = size ? data[0] % (size + 1) : 0;

	if (p && stap_feed(p, (const char *)data, half) == 0 &&
	    stap_feed(p, (const char *)data + half, size - half) == 0 &&
	    stap_finish(p) == 0) {
		stap_get_stats(p, &st);
		fold_write_folded(f, fuzz_devnull());
	}
	stap_free(p);
	fold_free(f);
	return 0;
}
