/* fuzz.h - shared bits of flamer's fuzz targets.
 *
 * Each fuzz_NAME.c defines LLVMFuzzerTestOneInput() for one parser.  Built
 * with -fsanitize=fuzzer it is a libFuzzer target (tests/fuzz/run.sh); linked
 * with replay_main.c it replays corpus files (tests/fuzz/t_replay.sh).
 */
#ifndef FLAMER_TESTS_FUZZ_H
#define FLAMER_TESTS_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A stream that swallows everything (opened once, never closed). */
static inline FILE *fuzz_devnull(void)
{
	static FILE *f;

	if (!f)
		f = fopen("/dev/null", "w");
	return f;
}

/* Reads a little-endian u64 from data, or 0 past the end. */
static inline uint64_t fuzz_u64(const uint8_t *data, size_t size, size_t at)
{
	uint64_t v = 0;

	for (size_t i = 0; i < 8 && at + i < size; i++)
		v |= (uint64_t)data[at + i] << (8 * i);
	return v;
}

#endif
