/* fuzz_kallsyms - /proc/kallsyms text (unwind/kallsyms.c) and lookups. */
#include "fuzz.h"
#include "../../unwind/kallsyms.h"

#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	FILE *f;
	struct kallsyms *k;
	int err;

	if (!size)
		return 0;
	f = fmemopen((void *)data, size, "r");
	if (!f)
		return 0;
	k = kallsyms_load_stream(f, &err);
	fclose(f);
	if (!k)
		return 0;
	(void)kallsyms_count(k);
	for (size_t at = 0; at < size && at < 256; at += 8) {
		uint64_t off;
		const char *name = kallsyms_lookup(k, fuzz_u64(data, size, at),
						   &off);

		if (name)
			(void)strlen(name);
	}
	(void)kallsyms_lookup(k, ~0ull, NULL);
	(void)kallsyms_lookup(k, 0, NULL);
	kallsyms_free(k);
	return 0;
}
