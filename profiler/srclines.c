/* The end-of-recording pass that gives code locations their source lines
 * (srclines.h). */
#include "srclines.h"
#include "frames.h"
#include "world.h"
#include "../unwind/srcfile.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define MAX_POS 18

struct item {
	uint64_t offset;
	uint32_t module, id, n;
};

static int by_module(const void *a, const void *b)
{
	const struct item *x = a, *y = b;

	if (x->module != y->module)
		return x->module < y->module ? -1 : 1;
	return x->offset < y->offset ? -1 : x->offset > y->offset;
}

/* The used locations, sorted by module and offset, into *out (owned). */
static int collect(const struct frames *f, struct item **out, size_t *n)
{
	uint32_t count = frames_loc_count(f);
	struct item *it = malloc((count ? count : 1) * sizeof *it);

	*n = 0;
	*out = it;
	if (!it)
		return -ENOMEM;
	for (uint32_t i = 0; i < count; i++) {
		struct item x = { .id = i };

		if (frames_loc_info(f, i, &x.module, &x.offset, &x.n) == 1)
			it[(*n)++] = x;
	}
	qsort(it, *n, sizeof *it, by_module);
	return 0;
}

/* The lines of one location: pos[np] as srcfile_lines gives them, mapped
 * onto its n frames.  0 when they do not fit (no lines then). */
static int map_lines(const struct srcpos *pos, unsigned np, uint32_t n,
		     uint32_t *lines, const char **files)
{
	if (np == 0)
		return 0;
	if (n == 1) {
		/* inlined functions not shown: the frame is the function
		 * holding the code, its line the outermost call site */
		lines[0] = pos[np - 1].line;
		files[0] = pos[np - 1].file;
		return 1;
	}
	if (np != n)
		return 0;
	for (uint32_t i = 0; i < n; i++) {
		lines[i] = pos[i].line;
		files[i] = pos[i].file;
	}
	return 1;
}

/* The locations it[0..n) of one module. */
static int one_file(const struct world *w, struct sink sink,
		    const struct item *it, size_t n,
		    volatile sig_atomic_t *stop, struct srclines_stats *st)
{
	const char *path, *build_id;
	struct srcfile *sf = NULL;
	struct srcpos pos[MAX_POS];
	uint32_t lines[MAX_POS];
	const char *files[MAX_POS];
	int err = 0;

	if (world_module_file(w, it[0].module, &path, &build_id) ||
	    srcfile_open(path, build_id, &sf)) {
		st->files_gone++;
		return 0;
	}
	st->files++;
	for (size_t i = 0; i < n && !err; i++) {
		unsigned np = 0;

		if (*stop) {
			st->stopped = 1;
			break;
		}
		err = srcfile_lines(sf, it[i].offset, pos, MAX_POS, &np);
		if (err || it[i].n > MAX_POS)
			break;
		if (!map_lines(pos, np, it[i].n, lines, files)) {
			st->mismatched += np != 0;
			continue;
		}
		err = sink.ops->lines(sink.ctx, it[i].id, it[i].n, lines, files);
		st->with_lines += !err;
	}
	srcfile_free(sf);
	return err;
}

int srclines_write(const struct frames *f, const struct world *w,
		   struct sink sink, volatile sig_atomic_t *stop,
		   struct srclines_stats *st)
{
	struct item *it;
	size_t n, i = 0;
	int err;

	memset(st, 0, sizeof *st);
	if (!sink.ops->lines)
		return 0;
	err = collect(f, &it, &n);
	st->locs = n;
	while (!err && i < n && !st->stopped) {
		size_t j = i;

		while (j < n && it[j].module == it[i].module)
			j++;
		if (*stop)
			st->stopped = 1;
		else
			err = one_file(w, sink, it + i, j - i, stop, st);
		i = j;
	}
	free(it);
	return err;
}
