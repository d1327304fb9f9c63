#include "intern.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Strings live in large arena chunks; each entry records where. */
struct entry {
	const char *s;
	uint32_t len;
	uint64_t hash;
};

struct chunk {
	struct chunk *next;
	size_t used, cap;
	char data[];
};

struct intern {
	struct entry *entries;
	size_t n, cap;
	uint32_t *slots; /* id + 1, 0 = empty */
	size_t nslots;   /* power of two */
	struct chunk *chunks;
};

uint64_t intern_hash(const void *key, size_t len)
{
	const unsigned char *p = key;
	uint64_t h = 1469598103934665603ULL;

	for (size_t i = 0; i < len; i++) {
		h ^= p[i];
		h *= 1099511628211ULL;
	}
	h ^= h >> 33;
	h *= 0xff51afd7ed558ccdULL;
	h ^= h >> 33;
	return h;
}

struct intern *intern_new(void)
{
	struct intern *t = calloc(1, sizeof *t);

	if (!t)
		return NULL;
	t->nslots = 1024;
	t->slots = calloc(t->nslots, sizeof *t->slots);
	if (!t->slots) {
		free(t);
		return NULL;
	}
	return t;
}

void intern_free(struct intern *t)
{
	if (!t)
		return;
	for (struct chunk *c = t->chunks, *n; c; c = n) {
		n = c->next;
		free(c);
	}
	free(t->entries);
	free(t->slots);
	free(t);
}

static const char *store(struct intern *t, const void *key, size_t len)
{
	struct chunk *c = t->chunks;
	char *p;

	if (!c || c->cap - c->used < len + 1) {
		size_t cap = len + 1 > 65536 ? len + 1 : 65536;

		c = malloc(sizeof *c + cap);
		if (!c)
			return NULL;
		c->used = 0;
		c->cap = cap;
		c->next = t->chunks;
		t->chunks = c;
	}
	p = c->data + c->used;
	if (len)
		memcpy(p, key, len);
	p[len] = '\0';
	c->used += len + 1;
	return p;
}

static int grow_slots(struct intern *t)
{
	size_t n = t->nslots * 2;
	uint32_t *s = calloc(n, sizeof *s);

	if (!s)
		return -ENOMEM;
	for (size_t i = 0; i < t->n; i++) {
		size_t j = t->entries[i].hash & (n - 1);

		while (s[j])
			j = (j + 1) & (n - 1);
		s[j] = (uint32_t)i + 1;
	}
	free(t->slots);
	t->slots = s;
	t->nslots = n;
	return 0;
}

static size_t probe(const struct intern *t, const void *key, size_t len,
		    uint64_t h)
{
	size_t j = h & (t->nslots - 1);

	while (t->slots[j]) {
		const struct entry *e = &t->entries[t->slots[j] - 1];

		if (e->hash == h && e->len == len && memcmp(e->s, key, len) == 0)
			break;
		j = (j + 1) & (t->nslots - 1);
	}
	return j;
}

int64_t intern_find(const struct intern *t, const void *key, size_t len)
{
	size_t j = probe(t, key, len, intern_hash(key, len));

	return t->slots[j] ? (int64_t)t->slots[j] - 1 : -1;
}

int64_t intern_add(struct intern *t, const void *key, size_t len, int *added)
{
	uint64_t h = intern_hash(key, len);
	size_t j;
	struct entry *e;

	if (added)
		*added = 0;
	if ((t->n + 1) * 2 > t->nslots && grow_slots(t) != 0)
		return -ENOMEM;
	j = probe(t, key, len, h);
	if (t->slots[j])
		return (int64_t)t->slots[j] - 1;
	if (len > UINT32_MAX || t->n >= UINT32_MAX - 1)
		return -ENOMEM;
	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 256;
		struct entry *ne = realloc(t->entries, cap * sizeof *ne);

		if (!ne)
			return -ENOMEM;
		t->entries = ne;
		t->cap = cap;
	}
	e = &t->entries[t->n];
	e->s = store(t, key, len);
	if (!e->s)
		return -ENOMEM;
	e->len = (uint32_t)len;
	e->hash = h;
	t->slots[j] = (uint32_t)t->n + 1;
	t->n++;
	if (added)
		*added = 1;
	return (int64_t)t->n - 1;
}

const char *intern_get(const struct intern *t, uint32_t id, size_t *len)
{
	if (id >= t->n)
		return NULL;
	if (len)
		*len = t->entries[id].len;
	return t->entries[id].s;
}

size_t intern_count(const struct intern *t)
{
	return t->n;
}
