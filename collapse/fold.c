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
	struct intern *modpaths;  /* file name (basename) -> module id */
	struct intern *modtext;   /* build ids */
	struct mod {
		uint64_t start, end, pgoff;
		uint32_t pid;      /* UINT32_MAX: no MAP seen yet */
		uint32_t build_id; /* id + 1 in modtext, 0 = none */
		uint32_t path;     /* id + 1 of the full path in modtext */
	} *mods;
	size_t modcap;
	struct intern *fnames;    /* frame name -> index in fmod */
	uint32_t *fmod;           /* module id of each noted name */
	size_t fmodcap;
	struct intern *locs;      /* serialised fold_loc -> location id */
	struct intern *lstacks;   /* u32 entry, u32 loc ids -> index */
	double *lweights;
	size_t lwcap;
	struct { char *p; size_t cap; } lbuf;
	unsigned char *offcpu;    /* per entry: fold_mark_offcpu */
	size_t noff, offcap;
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
	intern_free(f->modpaths);
	intern_free(f->modtext);
	intern_free(f->fnames);
	free(f->mods);
	free(f->fmod);
	intern_free(f->locs);
	intern_free(f->lstacks);
	free(f->lweights);
	free(f->lbuf.p);
	free(f->offcpu);
	free(f);
}

static void put_u32(char *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static uint32_t get_u32(const char *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return v;
}

/* Serialised: u64 offset, u32 n, u32 mlen, module, then per line u32 line,
 * u32 nlen, name, u32 flen, file. */
int64_t fold_loc_add(struct fold *f, const struct fold_loc *loc)
{
	size_t len = 16 + loc->mlen, k;
	int64_t id;
	int added;

	if (loc->n > FOLD_LOC_MAX_LINES)
		return -EINVAL;
	for (uint32_t i = 0; i < loc->n; i++)
		len += 12 + loc->lines[i].nlen + loc->lines[i].flen;
	if (len > UINT32_MAX ||
	    vec_reserve((void **)&f->lbuf.p, &f->lbuf.cap, len, 1))
		return -ENOMEM;
	if (!f->locs && !(f->locs = intern_new()))
		return -ENOMEM;
	memcpy(f->lbuf.p, &loc->offset, 8);
	put_u32(f->lbuf.p + 8, loc->n);
	put_u32(f->lbuf.p + 12, (uint32_t)loc->mlen);
	memcpy(f->lbuf.p + 16, loc->module, loc->mlen);
	k = 16 + loc->mlen;
	for (uint32_t i = 0; i < loc->n; i++) {
		const struct fold_line *l = &loc->lines[i];

		put_u32(f->lbuf.p + k, l->line);
		put_u32(f->lbuf.p + k + 4, (uint32_t)l->nlen);
		memcpy(f->lbuf.p + k + 8, l->name, l->nlen);
		k += 8 + l->nlen;
		put_u32(f->lbuf.p + k, (uint32_t)l->flen);
		memcpy(f->lbuf.p + k + 4, l->file, l->flen);
		k += 4 + l->flen;
	}
	id = intern_add(f->locs, f->lbuf.p, len, &added);
	if (id >= 0 && added) {
		f->bytes += len;
		if (f->bytes > FOLD_MAX_BYTES)
			return -FE_TOO_BIG;
	}
	return id;
}

int fold_loc_get(const struct fold *f, uint32_t id, struct fold_loc *out)
{
	size_t len, k;
	const char *p = f->locs ? intern_get(f->locs, id, &len) : NULL;

	if (!p)
		return -ENOENT;
	/* written by fold_loc_add: well-formed */
	memcpy(&out->offset, p, 8);
	out->n = get_u32(p + 8);
	out->mlen = get_u32(p + 12);
	out->module = p + 16;
	k = 16 + out->mlen;
	for (uint32_t i = 0; i < out->n; i++) {
		struct fold_line *l = &out->lines[i];

		l->line = get_u32(p + k);
		l->nlen = get_u32(p + k + 4);
		l->name = p + k + 8;
		k += 8 + l->nlen;
		l->flen = get_u32(p + k);
		l->file = p + k + 4;
		k += 4 + l->flen;
	}
	return 0;
}

size_t fold_loc_count(const struct fold *f)
{
	return f->locs ? intern_count(f->locs) : 0;
}

int fold_add_locs(struct fold *f, uint32_t entry, const uint32_t *locs,
		  size_t n, double weight)
{
	size_t len = 4 + 4 * n, old;
	int64_t id;

	if (vec_reserve((void **)&f->lbuf.p, &f->lbuf.cap, len, 1))
		return -ENOMEM;
	if (!f->lstacks && !(f->lstacks = intern_new()))
		return -ENOMEM;
	put_u32(f->lbuf.p, entry);
	memcpy(f->lbuf.p + 4, locs, 4 * n);
	old = intern_count(f->lstacks);
	id = intern_add(f->lstacks, f->lbuf.p, len, NULL);
	if (id < 0)
		return (int)id;
	if ((size_t)id >= old) {
		f->bytes += len;
		if (f->bytes > FOLD_MAX_BYTES)
			return -FE_TOO_BIG;
		if (vec_reserve((void **)&f->lweights, &f->lwcap,
				(size_t)id + 1, sizeof *f->lweights))
			return -ENOMEM;
		f->lweights[id] = 0;
	}
	if (!isfinite(f->lweights[id] + weight))
		return -FE_RANGE;
	f->lweights[id] += weight;
	return 0;
}

size_t fold_locstack_count(const struct fold *f)
{
	return f->lstacks ? intern_count(f->lstacks) : 0;
}

const void *fold_locstack(const struct fold *f, size_t i, uint32_t *entry,
			  size_t *n, double *weight)
{
	size_t len;
	const char *p = intern_get(f->lstacks, (uint32_t)i, &len);

	*entry = get_u32(p);
	*n = (len - 4) / 4;
	*weight = f->lweights[i];
	return p + 4;
}

int fold_mark_offcpu(struct fold *f, uint32_t entry)
{
	if (entry >= f->noff) {
		if (vec_reserve((void **)&f->offcpu, &f->offcap,
				(size_t)entry + 1, 1))
			return -ENOMEM;
		memset(f->offcpu + f->noff, 0, (size_t)entry + 1 - f->noff);
		f->noff = (size_t)entry + 1;
	}
	f->offcpu[entry] = 1;
	return 0;
}

int fold_entry_offcpu(const struct fold *f, uint32_t entry)
{
	return entry < f->noff && f->offcpu[entry];
}

uint32_t fold_entry_group(const struct fold *f, uint32_t entry)
{
	size_t len;
	const char *k = intern_get(f->stacks, entry, &len);

	return k ? get_u32(k) : 0;
}

int64_t fold_module_find(const struct fold *f, const char *path, size_t len)
{
	const char *sl = memrchr(path, '/', len);

	if (sl) {
		len -= (size_t)(sl + 1 - path);
		path = sl + 1;
	}
	return f->modpaths ? intern_find(f->modpaths, path, len) : -1;
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

/* The module id of path (known by its file name: frames name modules by
 * file name, MAP records by full path), created if new. */
static int64_t module_id(struct fold *f, const char *path, size_t plen)
{
	const char *sl = memrchr(path, '/', plen);
	int added = 0;
	int64_t id;

	if (sl) {
		plen -= (size_t)(sl + 1 - path);
		path = sl + 1;
	}
	if (!f->modpaths && !(f->modpaths = intern_new()))
		return -ENOMEM;
	if (!f->modtext && !(f->modtext = intern_new()))
		return -ENOMEM;
	id = intern_add(f->modpaths, path, plen, &added);
	if (id < 0 || !added)
		return id;
	if (vec_reserve((void **)&f->mods, &f->modcap, (size_t)id + 1,
			sizeof *f->mods))
		return -ENOMEM;
	memset(&f->mods[id], 0, sizeof f->mods[id]);
	f->mods[id].pid = UINT32_MAX; /* no MAP yet */
	return id;
}

static int set_build_id(struct fold *f, struct mod *m, const char *b,
			size_t n)
{
	int64_t id = intern_add(f->modtext, b, n, NULL);

	if (id < 0)
		return (int)id;
	m->build_id = (uint32_t)id + 1;
	return 0;
}

int fold_module_map(struct fold *f, const char *path, size_t plen,
		    const char *build_id, size_t blen, uint32_t pid,
		    uint64_t start, uint64_t end, uint64_t pgoff)
{
	int64_t id = module_id(f, path, plen);
	struct mod *m;

	if (id < 0)
		return (int)id;
	m = &f->mods[id];
	/* one executable mapping per module and address space: the target
	 * process's latest (it may exec), else the first process's latest */
	if (m->pid == UINT32_MAX || m->pid == pid ||
	    (pid == f->info.target_pid && m->pid != pid)) {
		int64_t pth = intern_add(f->modtext, path, plen, NULL);

		if (pth < 0)
			return (int)pth;
		m->path = (uint32_t)pth + 1;
		m->pid = pid;
		m->start = start;
		m->end = end;
		m->pgoff = pgoff;
		m->build_id = 0;
		return blen ? set_build_id(f, m, build_id, blen) : 0;
	}
	return 0;
}

int fold_name_module(struct fold *f, const char *name, size_t len,
		     const char *path, size_t plen)
{
	int64_t mod = module_id(f, path, plen), id;
	int added = 0;

	if (mod < 0)
		return (int)mod;
	if (!f->fnames && !(f->fnames = intern_new()))
		return -ENOMEM;
	id = intern_add(f->fnames, name, len, &added);
	if (id < 0)
		return (int)id;
	if (!added)
		return 0;
	if (vec_reserve((void **)&f->fmod, &f->fmodcap, (size_t)id + 1,
			sizeof *f->fmod))
		return -ENOMEM;
	f->fmod[id] = (uint32_t)mod;
	return 0;
}

struct fold_module *fold_modules(const struct fold *f, size_t *n)
{
	size_t count = f->modpaths ? intern_count(f->modpaths) : 0;
	struct fold_module *out;

	*n = 0;
	out = malloc((count ? count : 1) * sizeof *out);
	if (!out)
		return NULL;
	for (size_t i = 0; i < count; i++) {
		const struct mod *m = &f->mods[i];

		out[i] = (struct fold_module){
			.path = m->path ? intern_get(f->modtext, m->path - 1, NULL)
					: intern_get(f->modpaths, (uint32_t)i, NULL),
			.build_id = m->build_id ? intern_get(f->modtext,
					m->build_id - 1, NULL) : "",
			.start = m->start, .end = m->end, .pgoff = m->pgoff,
			.pid = m->pid,
		};
	}
	*n = count;
	return out;
}

int64_t fold_module_of(const struct fold *f, const char *name, size_t len)
{
	int64_t id = f->fnames ? intern_find(f->fnames, name, len) : -1;

	return id < 0 ? -1 : (int64_t)f->fmod[id];
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
		e[i].offcpu = fold_entry_offcpu(f, (uint32_t)i);
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
