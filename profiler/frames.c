#include "frames.h"
#include "../common/vec.h"
#include "../common/intern.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct span {
	uint32_t off, n;
};

struct locinfo {
	uint64_t offset;
	uint32_t module, n;
	int used;
};

struct frames {
	struct sink sink;
	struct intern *names; /* "kind\0module\0name" -> frame id */
	struct intern *addrs; /* (asid, addr) -> index into spans */
	struct intern *locs;  /* (module, offset) -> location id */
	struct locinfo *li;   /* by location id */
	size_t capli;
	struct span *spans;
	size_t nspans, capspans;
	uint32_t *ids;        /* concatenated expansions */
	size_t nids, capids;
	char *key;
	size_t keycap;
};

struct frames *frames_new(struct sink sink)
{
	struct frames *f = calloc(1, sizeof *f);

	if (!f)
		return NULL;
	f->sink = sink;
	f->names = intern_new();
	f->addrs = intern_new();
	f->locs = intern_new();
	if (!f->names || !f->addrs || !f->locs) {
		frames_free(f);
		return NULL;
	}
	return f;
}

void frames_free(struct frames *f)
{
	if (!f)
		return;
	intern_free(f->names);
	intern_free(f->addrs);
	intern_free(f->locs);
	free(f->li);
	free(f->spans);
	free(f->ids);
	free(f->key);
	free(f);
}

uint32_t frames_count(const struct frames *f)
{
	return (uint32_t)intern_count(f->names);
}

int frames_id(struct frames *f, enum frame_kind kind, const char *name,
	      const char *module, uint32_t *id)
{
	size_t nl = strlen(name), ml = module ? strlen(module) : 0;
	size_t len = 2 + ml + 1 + nl;
	int64_t r;
	int added;

	if (len > f->keycap) {
		char *k = realloc(f->key, len);

		if (!k)
			return -ENOMEM;
		f->key = k;
		f->keycap = len;
	}
	f->key[0] = (char)('a' + kind);
	f->key[1] = '\0';
	if (ml)
		memcpy(f->key + 2, module, ml);
	f->key[2 + ml] = '\0';
	memcpy(f->key + 3 + ml, name, nl);
	r = intern_add(f->names, f->key, len, &added);
	if (r < 0)
		return (int)r;
	*id = (uint32_t)r;
	if (added)
		return f->sink.ops->frame(f->sink.ctx, *id, kind, name, module);
	return 0;
}

static void addr_key(unsigned char key[16], uint64_t asid, uint64_t addr)
{
	memcpy(key, &asid, 8);
	memcpy(key + 8, &addr, 8);
}

int frames_cache_get(struct frames *f, uint64_t asid, uint64_t addr,
		     const uint32_t **ids, uint32_t *n)
{
	unsigned char key[16];
	int64_t r;

	addr_key(key, asid, addr);
	r = intern_find(f->addrs, key, sizeof key);
	if (r < 0)
		return 0;
	*ids = f->ids + f->spans[r].off;
	*n = f->spans[r].n;
	return 1;
}

int frames_cache_put(struct frames *f, uint64_t asid, uint64_t addr,
		     const uint32_t *ids, uint32_t n)
{
	unsigned char key[16];
	int64_t r;
	int added;

	if (vec_reserve((void **)&f->ids, &f->capids, f->nids + n,
			sizeof *f->ids) ||
	    vec_reserve((void **)&f->spans, &f->capspans, f->nspans + 1,
			sizeof *f->spans))
		return -ENOMEM;
	addr_key(key, asid, addr);
	r = intern_add(f->addrs, key, sizeof key, &added);
	if (r < 0)
		return (int)r;
	if (!added)
		return 0;
	memcpy(f->ids + f->nids, ids, n * sizeof *ids);
	f->spans[r].off = (uint32_t)f->nids;
	f->spans[r].n = n;
	f->nids += n;
	f->nspans++;
	return 0;
}

int frames_loc(struct frames *f, uint32_t module, uint64_t offset,
	       const char *name, uint32_t n, const uint32_t *ids, uint32_t *id)
{
	unsigned char key[16];
	int64_t r;
	int added;

	*id = FRAMES_NO_LOC;
	if (!f->sink.ops->loc || n == 0 || n > REC_MAX_LOC_LINES)
		return 0;
	addr_key(key, module, offset);
	r = intern_add(f->locs, key, sizeof key, &added);
	if (r < 0)
		return (int)r;
	if (!added) {
		*id = (uint32_t)r;
		return 0;
	}
	if (vec_reserve((void **)&f->li, &f->capli, (size_t)r + 1,
			sizeof *f->li))
		return -ENOMEM;
	f->li[r] = (struct locinfo){ offset, module, n, 0 };
	*id = (uint32_t)r;
	return f->sink.ops->loc(f->sink.ctx, *id, offset, name, n, ids);
}

void frames_loc_used(struct frames *f, uint32_t id)
{
	if (id < intern_count(f->locs))
		f->li[id].used = 1;
}

uint32_t frames_loc_count(const struct frames *f)
{
	return (uint32_t)intern_count(f->locs);
}

int frames_loc_info(const struct frames *f, uint32_t id, uint32_t *module,
		    uint64_t *offset, uint32_t *n)
{
	if (id >= intern_count(f->locs))
		return -ENOENT;
	*module = f->li[id].module;
	*offset = f->li[id].offset;
	*n = f->li[id].n;
	return f->li[id].used;
}

int frames_kind(const struct frames *f, uint32_t id)
{
	const char *k = intern_get(f->names, id, NULL);

	return k ? k[0] - 'a' : -ENOENT; /* "kind\0module\0name" */
}

const char *frames_name(const struct frames *f, uint32_t id)
{
	size_t len;
	const char *k = intern_get(f->names, id, &len);

	if (!k || len < 3)
		return NULL;
	return k + 2 + strlen(k + 2) + 1; /* "kind\0module\0name" */
}
