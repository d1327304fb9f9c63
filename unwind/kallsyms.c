#include "kallsyms.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct ksym {
	uint64_t addr;
	uint32_t name; /* offset into names */
};

struct kallsyms {
	struct ksym *syms;
	size_t n, cap;
	char *names;
	size_t nlen, ncap;
};

static int cmp_ksym(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;

	return (x->addr > y->addr) - (x->addr < y->addr);
}

static int add(struct kallsyms *k, uint64_t addr, const char *name, size_t len)
{
	if (k->n == k->cap) {
		size_t cap = k->cap ? k->cap * 2 : 65536;
		struct ksym *ns = realloc(k->syms, cap * sizeof *ns);

		if (!ns)
			return -ENOMEM;
		k->syms = ns;
		k->cap = cap;
	}
	if (k->nlen + len + 1 > k->ncap) {
		size_t cap = k->ncap ? k->ncap * 2 : (1u << 21);
		char *nn;

		while (cap < k->nlen + len + 1)
			cap *= 2;
		nn = realloc(k->names, cap);
		if (!nn)
			return -ENOMEM;
		k->names = nn;
		k->ncap = cap;
	}
	if (k->nlen > UINT32_MAX - len - 1)
		return -ENOMEM;
	memcpy(k->names + k->nlen, name, len);
	k->names[k->nlen + len] = '\0';
	k->syms[k->n].addr = addr;
	k->syms[k->n].name = (uint32_t)k->nlen;
	k->n++;
	k->nlen += len + 1;
	return 0;
}

/* "ffffffff81000000 T _stext [module]" */
static int parse_line(struct kallsyms *k, char *line)
{
	char *end, *name;
	uint64_t addr = strtoull(line, &end, 16);
	size_t len;

	if (end == line || *end != ' ' || !end[1] || end[2] != ' ')
		return 0;
	switch (end[1]) {
	case 't': case 'T': case 'w': case 'W':
		break;
	default:
		return 0;
	}
	if (addr == 0)
		return 0;
	name = end + 3;
	len = strcspn(name, " \t\n");
	return add(k, addr, name, len);
}

struct kallsyms *kallsyms_load_stream(FILE *f, int *err)
{
	struct kallsyms *k = calloc(1, sizeof *k);
	char line[512];

	*err = 0;
	if (!k) {
		*err = -ENOMEM;
		return NULL;
	}
	while (fgets(line, sizeof line, f)) {
		*err = parse_line(k, line);
		if (*err)
			goto fail;
	}
	if (k->n)
		qsort(k->syms, k->n, sizeof *k->syms, cmp_ksym);
	return k;
fail:
	kallsyms_free(k);
	return NULL;
}

struct kallsyms *kallsyms_load(const char *path, int *err)
{
	FILE *f = fopen(path, "re");
	struct kallsyms *k;

	if (!f) {
		*err = -errno;
		return NULL;
	}
	k = kallsyms_load_stream(f, err);
	fclose(f);
	return k;
}

const char *kallsyms_lookup(const struct kallsyms *k, uint64_t addr,
			    uint64_t *off)
{
	size_t lo = 0, hi = k->n;

	if (!k->n || addr < k->syms[0].addr)
		return NULL;
	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (k->syms[mid].addr <= addr)
			lo = mid;
		else
			hi = mid;
	}
	/* past the last symbol by more than 1 MiB: not in the kernel text */
	if (lo == k->n - 1 && addr - k->syms[lo].addr > (1u << 20))
		return NULL;
	if (off)
		*off = addr - k->syms[lo].addr;
	return k->names + k->syms[lo].name;
}

size_t kallsyms_count(const struct kallsyms *k)
{
	return k->n;
}

void kallsyms_free(struct kallsyms *k)
{
	if (!k)
		return;
	free(k->syms);
	free(k->names);
	free(k);
}
