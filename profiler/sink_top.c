/* sink_top.c - live top functions (sink_top.h). */
#include "sink_top.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct fn {
	char *name;          /* frame name with its kind's suffix */
	uint64_t self[TOP_WINDOW], total[TOP_WINDOW];
	uint64_t seen;       /* sample serial, to count a frame once */
};

struct top {
	FILE *out;
	bool tty;
	unsigned rows;
	struct fn *fn;       /* by frame id */
	size_t nfn, cap;
	uint64_t samples[TOP_WINDOW];
	unsigned cur;        /* current bucket */
	uint64_t serial;
};

struct top *top_new(FILE *out, bool tty, unsigned rows)
{
	struct top *t = calloc(1, sizeof *t);

	if (t) {
		t->out = out;
		t->tty = tty;
		t->rows = rows ? rows : 20;
	}
	return t;
}

void top_free(struct top *t)
{
	if (!t)
		return;
	for (size_t i = 0; i < t->nfn; i++)
		free(t->fn[i].name);
	free(t->fn);
	free(t);
}

static int on_frame(void *ctx, uint32_t id, enum frame_kind kind,
		    const char *name, const char *module)
{
	struct top *t = ctx;
	size_t n = strlen(name);

	if (id >= t->cap) {
		size_t cap = id + 1 > 2 * t->cap ? id + 1 : 2 * t->cap;
		struct fn *nf = realloc(t->fn, cap * sizeof *nf);

		if (!nf)
			return -ENOMEM;
		memset(nf + t->cap, 0, (cap - t->cap) * sizeof *nf);
		t->fn = nf;
		t->cap = cap;
	}
	free(t->fn[id].name);
	t->fn[id].name = malloc(n + 5);
	if (!t->fn[id].name)
		return -ENOMEM;
	memcpy(t->fn[id].name, name, n + 1);
	if (kind == FK_KERNEL)
		memcpy(t->fn[id].name + n, "_[k]", 5);
	if (id >= t->nfn)
		t->nfn = id + 1;
	return 0;
}

static int on_sample(void *ctx, const struct rec_sample *s)
{
	struct top *t = ctx;

	if (s->flags & REC_SF_OFFCPU)
		return 0; /* top shows CPU time */
	t->serial++;
	t->samples[t->cur]++;
	for (uint32_t i = 0; i < s->n; i++) {
		uint32_t id = s->frames[i];

		if (id >= t->nfn)
			continue;
		if (i == 0)
			t->fn[id].self[t->cur]++;
		if (t->fn[id].seen != t->serial) {
			t->fn[id].seen = t->serial;
			t->fn[id].total[t->cur]++;
		}
	}
	return 0;
}

static const struct sink_ops top_ops = {
	sink_nop_proc, sink_nop_thread, sink_nop_map, on_frame, on_sample,
	sink_nop_lost, NULL, NULL, NULL,
};

struct sink sink_top(struct top *t)
{
	return (struct sink){ &top_ops, t };
}

struct row {
	const char *name;
	uint64_t self, total;
};

static int cmp_row(const void *a, const void *b)
{
	const struct row *x = a, *y = b;

	if (x->self != y->self)
		return x->self < y->self ? 1 : -1;
	if (x->total != y->total)
		return x->total < y->total ? 1 : -1;
	return strcmp(x->name, y->name);
}

static void put_name(FILE *out, const char *s)
{
	for (int i = 0; s[i] && i < 100; i++)
		fputc((unsigned char)s[i] >= 0x20 && s[i] != 0x7f ? s[i] : '?',
		      out);
}

int top_tick(struct top *t, double elapsed, const char *what)
{
	struct row *rows = malloc((t->nfn + 1) * sizeof *rows);
	uint64_t all = 0;
	size_t n = 0;

	if (!rows)
		return -ENOMEM;
	for (unsigned b = 0; b < TOP_WINDOW; b++)
		all += t->samples[b];
	for (size_t i = 0; i < t->nfn; i++) {
		struct row r = { t->fn[i].name, 0, 0 };

		for (unsigned b = 0; b < TOP_WINDOW; b++) {
			r.self += t->fn[i].self[b];
			r.total += t->fn[i].total[b];
		}
		if (r.name && r.total)
			rows[n++] = r;
	}
	qsort(rows, n, sizeof *rows, cmp_row);
	if (t->tty)
		fputs("\033[H\033[2J", t->out);
	fprintf(t->out, "--- flamer top: %s, %.0f s, %llu samples in the last "
		"%d s\n%7s %7s  %s\n", what, elapsed, (unsigned long long)all,
		TOP_WINDOW, "self%", "total%", "function");
	for (size_t i = 0; i < n && i < t->rows && all; i++) {
		fprintf(t->out, "%6.2f%% %6.2f%%  ", 100.0 * rows[i].self / all,
			100.0 * rows[i].total / all);
		put_name(t->out, rows[i].name);
		fputc('\n', t->out);
	}
	if (!t->tty)
		fputc('\n', t->out);
	free(rows);
	/* the next second's bucket replaces the oldest */
	t->cur = (t->cur + 1) % TOP_WINDOW;
	t->samples[t->cur] = 0;
	for (size_t i = 0; i < t->nfn; i++)
		t->fn[i].self[t->cur] = t->fn[i].total[t->cur] = 0;
	return fflush(t->out) || ferror(t->out) ? -EIO : 0;
}
