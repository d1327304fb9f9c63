/* fuzz_perfmap - JIT perf maps (unwind/perfmap.c): parsing, lookups and
 * the display names. */
#include "fuzz.h"
#include "../../unwind/perfmap.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct perfmap *m = NULL;
	char out[256];
	const char *name;
	enum frame_kind kind;

	if (perfmap_parse_mem((const char *)data, size, &m) == 0) {
		(void)perfmap_bad_lines(m);
		(void)perfmap_count(m);
		for (size_t at = 0; at < size && at < 256; at += 8) {
			uint64_t a = fuzz_u64(data, size, at);

			if (perfmap_lookup(m, a, &name, &kind) == 0)
				(void)strlen(name);
			(void)perfmap_lookup(m, a & 0xffffffffffull, NULL, NULL);
		}
		(void)perfmap_refresh(m);
		perfmap_free(m);
	}
	perfmap_display_name((const char *)data, size, out, sizeof out);
	if (size > 1)
		perfmap_display_name((const char *)data + 1, size - 1, out, 8);
	return 0;
}
