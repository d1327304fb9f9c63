#include "palfile.h"
#include "obuf.h"
#include "../common/intern.h"
#include "../common/outfile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct palfile {
	struct intern *names;
	uint32_t *colors;
	size_t cap;
};

static int set_color(struct palfile *p, const char *name, size_t n,
		     uint32_t rgb)
{
	int64_t id;

	if (intern_count(p->names) >= PALFILE_MAX_NAMES)
		return 0;
	id = intern_add(p->names, name, n, NULL);
	if (id < 0)
		return (int)id;
	if ((size_t)id >= p->cap) {
		size_t cap = p->cap ? p->cap * 2 : 1024;
		uint32_t *c = realloc(p->colors, cap * sizeof *c);

		if (!c)
			return -ENOMEM;
		p->colors = c;
		p->cap = cap;
	}
	p->colors[id] = rgb;
	return 0;
}

/* "NAME->rgb(R,G,B)"; 0 or -1. */
static int parse_line(struct palfile *p, char *line)
{
	char *arrow = strstr(line, "->rgb(");
	unsigned r, g, b;
	char end;

	if (!arrow || arrow == line)
		return -1;
	if (sscanf(arrow + 6, "%u,%u,%u%c", &r, &g, &b, &end) != 4 ||
	    end != ')' || r > 255 || g > 255 || b > 255)
		return -1;
	return set_color(p, line, (size_t)(arrow - line),
			 (r << 16) | (g << 8) | b);
}

struct palfile *palfile_load(const char *path, int *err)
{
	struct palfile *p = calloc(1, sizeof *p);
	FILE *fp = NULL;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;

	*err = -ENOMEM;
	if (!p || !(p->names = intern_new()))
		goto fail;
	fp = fopen(path, "re");
	if (!fp) {
		if (errno == ENOENT)
			return p;
		*err = -errno;
		goto fail;
	}
	while ((len = getline(&line, &cap, fp)) > 0) {
		if (line[len - 1] == '\n')
			line[--len] = '\0';
		if ((size_t)len <= 65536 && !memchr(line, '\0', (size_t)len))
			parse_line(p, line);
	}
	free(line);
	fclose(fp);
	return p;
fail:
	palfile_free(p);
	return NULL;
}

void palfile_free(struct palfile *p)
{
	if (!p)
		return;
	intern_free(p->names);
	free(p->colors);
	free(p);
}

uint32_t palfile_color(struct palfile *p, const char *name, size_t n,
		       uint32_t dflt)
{
	int64_t id = intern_find(p->names, name, n);

	if (id >= 0)
		return p->colors[id];
	set_color(p, name, n, dflt);
	return dflt;
}

int palfile_save(const struct palfile *p, const char *path)
{
	int err = 0;
	struct outfile *of = outfile_open(path, &err);
	struct obuf ob;

	if (!of)
		return err;
	err = obuf_init(&ob, outfile_fd(of));
	for (size_t i = 0; !err && i < intern_count(p->names); i++) {
		size_t n;
		const char *s = intern_get(p->names, (uint32_t)i, &n);
		uint32_t c = p->colors[i];

		obuf_put(&ob, s, n);
		obuf_puts(&ob, "->rgb(");
		obuf_fixed(&ob, c >> 16, 0);
		obuf_putc(&ob, ',');
		obuf_fixed(&ob, (c >> 8) & 0xff, 0);
		obuf_putc(&ob, ',');
		obuf_fixed(&ob, c & 0xff, 0);
		obuf_puts(&ob, ")\n");
	}
	if (!err)
		err = obuf_flush(&ob);
	obuf_free(&ob);
	if (err) {
		outfile_abort(of);
		return err;
	}
	return outfile_commit(of);
}
