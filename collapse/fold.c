#include "fold.h"
#include "../common/vec.h"
#include "../common/error.h"
#include "../common/intern.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Keys in the table are a 4-byte group id followed by the stack text. */
struct fold {
	struct intern *stacks;
	double *weights;
	size_t wcap;
	struct intern *groups; /* id 0 = "" */
	char *key;
	size_t kcap;
	uint64_t bytes; /* unique stack text held */
	struct fold_sample *samples;
	size_t nsamples, scap;
	struct fold_info info;
};

struct fold *fold_new(void)
{
	struct fold *f = calloc(1, sizeof *f);

	if (!f)
		return NULL;
	f->stacks = intern_new();
	f->groups = intern_new();
	if (!f->stacks || !f->groups || intern_add(f->groups, "", 0, NULL) != 0) {
		fold_free(f);
		return NULL;
	}
	return f;
}

void fold_free(struct fold *f)
{
	if (!f)
		return;
	intern_free(f->stacks);
	intern_free(f->groups);
	free(f->weights);
	free(f->key);
	free(f->samples);
	free(f);
}

int fold_add(struct fold *f, uint32_t group, const char *stack, size_t len,
	     double weight)
{
	int64_t id = fold_add_id(f, group, stack, len, weight);

	return id < 0 ? (int)id : 0;
}

int fold_add_sample(struct fold *f, uint32_t entry, uint64_t time_ns,
		    double weight)
{
	if (vec_reserve((void **)&f->samples, &f->scap, f->nsamples + 1,
			sizeof *f->samples))
		return -ENOMEM;
	f->samples[f->nsamples++] = (struct fold_sample){ time_ns, weight, entry };
	return 0;
}

const struct fold_sample *fold_samples(const struct fold *f, size_t *n)
{
	*n = f->nsamples;
	return f->samples;
}

struct fold_info *fold_info(struct fold *f)
{
	return &f->info;
}

const struct fold_info *fold_info_get(const struct fold *f)
{
	return &f->info;
}

int64_t fold_add_id(struct fold *f, uint32_t group, const char *stack,
		    size_t len, double weight)
{
	int64_t id;
	size_t old;

	if (vec_reserve((void **)&f->key, &f->kcap, len + 4, 1))
		return -ENOMEM;
	memcpy(f->key, &group, 4);
	memcpy(f->key + 4, stack, len);
	old = intern_count(f->stacks);
	id = intern_add(f->stacks, f->key, len + 4, NULL);
	if (id < 0)
		return (int)id;
	if ((size_t)id >= old) {
		/* a few KB of hostile input can expand to gigabytes of unique
		 * stacks (a compressed recording, a generated file): bound it */
		f->bytes += len + 4;
		if (f->bytes > FOLD_MAX_BYTES)
			return -FE_TOO_BIG;
		if (vec_reserve((void **)&f->weights, &f->wcap, (size_t)id + 1,
			 sizeof *f->weights))
			return -ENOMEM;
		f->weights[id] = 0;
	}
	/* counts near 1e308 from a folded file could sum to inf, which no
	 * reader of the output would accept */
	if (!isfinite(f->weights[id] + weight))
		return -FE_RANGE;
	f->weights[id] += weight;
	return id;
}

int64_t fold_group(struct fold *f, const char *name, size_t len)
{
	return intern_add(f->groups, name, len, NULL);
}

const char *fold_group_name(const struct fold *f, uint32_t group)
{
	const char *s = intern_get(f->groups, group, NULL);

	return s ? s : "";
}

size_t fold_ngroups(const struct fold *f)
{
	return intern_count(f->groups) - 1;
}

size_t fold_count(const struct fold *f)
{
	return intern_count(f->stacks);
}

static int cmp_entry(const void *a, const void *b)
{
	const struct fold_entry *x = a, *y = b;
	size_t n = x->len < y->len ? x->len : y->len;
	int c = memcmp(x->stack, y->stack, n);

	if (c)
		return c;
	if (x->len != y->len)
		return x->len < y->len ? -1 : 1;
	return x->group < y->group ? -1 : x->group > y->group;
}

struct fold_entry *fold_sorted(const struct fold *f, size_t *n, int *err)
{
	size_t count = intern_count(f->stacks);
	struct fold_entry *e;

	*n = 0;
	*err = 0;
	if (!count)
		return NULL;
	e = malloc(count * sizeof *e);
	if (!e) {
		*err = -ENOMEM;
		return NULL;
	}
	for (size_t i = 0; i < count; i++) {
		size_t len;
		const char *k = intern_get(f->stacks, (uint32_t)i, &len);

		memcpy(&e[i].group, k, 4);
		e[i].stack = k + 4;
		e[i].len = len - 4;
		e[i].weight = f->weights[i];
		e[i].id = (uint32_t)i;
	}
	qsort(e, count, sizeof *e, cmp_entry);
	*n = count;
	return e;
}

void fold_format_weight(double w, char *buf)
{
	if (w == floor(w) && fabs(w) < 1e18)
		snprintf(buf, 32, "%.0f", w);
	else
		snprintf(buf, 32, "%.15g", w);
}

int fold_write_folded(const struct fold *f, FILE *out)
{
	size_t n, i = 0;
	int err;
	struct fold_entry *e = fold_sorted(f, &n, &err);
	char num[32];
	int werr = 0;

	while (i < n && !werr) {
		double w = e[i].weight;
		size_t j = i + 1;

		while (j < n && e[j].len == e[i].len &&
		       !memcmp(e[j].stack, e[i].stack, e[i].len))
			w += e[j++].weight;
		fold_format_weight(w, num);
		fwrite(e[i].stack, 1, e[i].len, out);
		putc(' ', out);
		fputs(num, out);
		if (putc('\n', out) == EOF || ferror(out))
			werr = errno ? -errno : -EIO; /* e.g. EPIPE: stop */
		i = j;
	}
	free(e);
	if (!err && (werr || ferror(out)))
		err = werr ? werr : -EIO;
	return err;
}
