/* fuzz_folded - collapsed-stack input: the line parser (common/folded.c),
 * collapse's reader (collapse/foldedin.c), and what `flamer svg` does with
 * a whole file: render/input.c reads it, render/flame.c builds, lays out
 * and writes the SVG. */
#include "fuzz.h"
#include "../../collapse/fold.h"
#include "../../collapse/foldedin.h"
#include "../../common/folded.h"
#include "../../render/flame.h"
#include "../../render/input.h"

#include <fcntl.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static void parse_lines(const uint8_t *data, size_t size)
{
	const char *p = (const char *)data, *end = p + size;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) + 1 : (size_t)(end - p);
		struct folded_line fl;

		if (folded_parse_line(p, len, &fl) == 0) {
			if (fl.stack < p || fl.stack + fl.stack_len > p + len ||
			    fl.stack_len == 0 || !(fl.count >= 0) ||
			    !isfinite(fl.count))
				abort(); /* the contract of folded.h */
		}
		p += len;
	}
}

static void collapse_it(const uint8_t *data, size_t size)
{
	struct fold *f = fold_new();
	struct foldedin *in = f ? foldedin_new(f, size & 1) : NULL;
	size_t half = size ? data[0] % (size + 1) : 0;

	if (in && foldedin_feed(in, (const char *)data, half) == 0 &&
	    foldedin_feed(in, (const char *)data + half, size - half) == 0 &&
	    foldedin_finish(in) == 0)
		fold_write_folded(f, fuzz_devnull());
	foldedin_free(in);
	fold_free(f);
}

struct render_ctx {
	struct flame *fl;
	int diff;
};

static int add_line(const struct folded_line *l, void *arg)
{
	struct render_ctx *c = arg;

	return flame_add(c->fl, l->stack, l->stack_len,
			 l->has_count2 ? l->count2 : l->count, l->count,
			 c->diff && l->has_count2);
}

static void render_it(const uint8_t *data, size_t size)
{
	struct flame_opts o;
	struct render_ctx c = { .diff = size & 2 };
	struct input_stats st = { 0 };
	int fd = memfd_create("fuzz", 0), out = open("/dev/null", O_WRONLY);

	flame_opts_default(&o);
	o.inverted = size & 4;
	o.flamechart = size & 8;
	o.reverse = size & 16;
	c.fl = flame_new(&o);
	if (fd < 0 || out < 0 || !c.fl)
		goto done;
	if (write(fd, data, size) != (ssize_t)size || lseek(fd, 0, SEEK_SET))
		goto done;
	if (input_read(fd, add_line, &c, &st) == 0)
		flame_write_svg(c.fl, out);
done:
	flame_free(c.fl);
	if (fd >= 0)
		close(fd);
	if (out >= 0)
		close(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	parse_lines(data, size);
	collapse_it(data, size);
	render_it(data, size);
	return 0;
}
