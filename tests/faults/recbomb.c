/* recbomb - writes a valid flamer recording whose N frames each have a
 * 64 KiB name that compresses to almost nothing: a few MB of file that
 * expands to N * 64 KiB of names for a reader (a decompression bomb).
 * With "stacks": 4096 short frames and N samples whose 4096-frame stacks
 * are all different but nearly all zeros (N * 16 KiB of unique stacks).
 *
 * usage: recbomb FILE N [stacks] */
#include "../../recording/recwriter.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int stacks(struct recwriter *w, int fd, int n)
{
	static uint32_t ids[REC_MAX_FRAMES];
	struct rec_end e = { .samples = (uint64_t)n };
	char name[32];

	for (uint32_t i = 0; i < REC_MAX_FRAMES; i++) {
		snprintf(name, sizeof name, "f%u", i);
		if (recwriter_frame(w, i, FK_NATIVE, name, "m"))
			return 1;
	}
	for (int i = 0; i < n; i++) {
		struct rec_sample s = { .pid = 1, .tid = 1, .weight = 1,
					.n = REC_MAX_FRAMES, .frames = ids };

		ids[0] = (uint32_t)i % REC_MAX_FRAMES;
		ids[1] = (uint32_t)i / REC_MAX_FRAMES % REC_MAX_FRAMES;
		if (recwriter_sample(w, &s))
			return 1;
	}
	if (recwriter_end(w, &e) || recwriter_flush(w))
		return 1;
	recwriter_free(w);
	return close(fd) != 0;
}

int main(int argc, char **argv)
{
	static char name[65536];
	struct rec_end e = { 0 };
	struct recwriter *w;
	int err, fd, n;

	if (argc != 3 && argc != 4)
		return 2;
	fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0644);
	n = atoi(argv[2]);
	w = fd >= 0 ? recwriter_new(fd, &err) : NULL;
	if (!w)
		return 1;
	memset(name, 'A', sizeof name - 1);
	recwriter_proc(w, 1, 0, "bomb", "/bomb");
	if (argc == 4)
		return stacks(w, fd, n);
	for (int i = 0; i < n; i++) {
		uint32_t id = (uint32_t)i;
		struct rec_sample s = { .pid = 1, .tid = 1, .weight = 1,
					.n = 1, .frames = &id };

		snprintf(name, 16, "%015d", i);
		name[15] = 'A';
		if (recwriter_frame(w, id, FK_NATIVE, name, "m") ||
		    recwriter_sample(w, &s))
			return 1;
	}
	e.samples = (uint64_t)n;
	if (recwriter_end(w, &e) || recwriter_flush(w))
		return 1;
	recwriter_free(w);
	return close(fd) != 0;
}
