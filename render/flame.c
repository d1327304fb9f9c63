#include "flame.h"
#include "../common/error.h"
#include "../common/intern.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NONE UINT32_MAX
/* Children of a node with at most this many are found by walking the
 * list; beyond, through the hash table. */
#define SMALL_CHILDREN 8

struct node {
	uint32_t name;  /* intern id: kind byte, then the shown name */
	uint32_t first; /* first child, NONE if a leaf */
	uint32_t next;  /* next sibling */
	uint32_t last;  /* last child (append, flame charts) */
	uint32_t parent;
	uint32_t nchildren;
	double value, before;
	double off;     /* the part of value from off-CPU stacks */
};

struct span {
	const char *p;
	size_t n;
};

struct slot {
	uint32_t parent, name;
	uint32_t node1; /* node + 1; 0 = empty */
};

struct flame {
	struct flame_opts o;
	struct intern *names;
	struct node *nodes;
	size_t n, cap;
	struct slot *slots; /* (parent, name) -> node */
	size_t nslots;      /* power of two */
	size_t nhashed;     /* used slots */
	struct intern *raw; /* frame names as read (<= TEXT_NAME_MAX) */
	uint32_t *raw2name; /* raw id -> id in names */
	size_t rawcap;
	/* the previous stack, to skip lookups for a shared prefix */
	char *prev;
	size_t prev_len, prev_cap, prev_depth;
	uint32_t *prev_node; /* FLAME_MAX_DEPTH */
	size_t *prev_end;    /* FLAME_MAX_DEPTH */
	size_t truncated;
	int diff;
	struct flame_frame *frames;
	size_t nframes, framescap;
	struct span *spans;    /* FLAME_MAX_DEPTH */
	char *scratch;         /* a cleaned name with its kind byte */
	uint32_t *sortbuf;     /* children of one node while sorting */
	size_t sortcap;
};

void flame_opts_default(struct flame_opts *o)
{
	memset(o, 0, sizeof *o);
	o->countname = "samples";
	o->nametype = "Function:";
	o->fonttype = "Verdana";
	o->bgcolor1 = "#eeeeee";
	o->bgcolor2 = "#eeeeb0";
	o->width = 1200;
	o->frameheight = 16;
	o->fontsize = 12;
	o->fontwidth = 0.59;
	o->minwidth = 0.1;
	o->colors = PAL_KIND;
	o->legend = 1;
}

static uint32_t new_node(struct flame *f, uint32_t name)
{
	struct node *nd;

	if (f->n == f->cap) {
		size_t cap = f->cap ? f->cap * 2 : 1024;
		struct node *p = realloc(f->nodes, cap * sizeof *p);

		if (!p || cap >= NONE)
			return NONE;
		f->nodes = p;
		f->cap = cap;
	}
	nd = &f->nodes[f->n];
	nd->name = name;
	nd->parent = NONE;
	nd->nchildren = 0;
	nd->first = nd->next = nd->last = NONE;
	nd->value = nd->before = nd->off = 0;
	return (uint32_t)f->n++;
}

void flame_set_text(struct flame *f, const char *subtitle,
		    const char *recording)
{
	f->o.subtitle = subtitle;
	f->o.recording = recording;
}

struct flame *flame_new(const struct flame_opts *o)
{
	struct flame *f = calloc(1, sizeof *f);
	int64_t root;

	if (!f)
		return NULL;
	f->o = *o;
	f->names = intern_new();
	f->raw = intern_new();
	f->prev_node = malloc(FLAME_MAX_DEPTH * sizeof *f->prev_node);
	f->prev_end = malloc(FLAME_MAX_DEPTH * sizeof *f->prev_end);
	f->nslots = 4096;
	f->slots = calloc(f->nslots, sizeof *f->slots);
	f->spans = malloc(FLAME_MAX_DEPTH * sizeof *f->spans);
	f->scratch = malloc(TEXT_CLEAN_CAP(TEXT_NAME_MAX) + 1);
	if (!f->names || !f->slots || !f->spans || !f->scratch || !f->raw ||
	    !f->prev_node || !f->prev_end)
		goto fail;
	root = intern_add(f->names, "\0all", 4, NULL);
	if (root < 0 || new_node(f, (uint32_t)root) == NONE)
		goto fail;
	return f;
fail:
	flame_free(f);
	return NULL;
}

void flame_free(struct flame *f)
{
	if (!f)
		return;
	intern_free(f->names);
	intern_free(f->raw);
	free(f->raw2name);
	free(f->prev);
	free(f->prev_node);
	free(f->prev_end);
	free(f->nodes);
	free(f->slots);
	free(f->frames);
	free(f->spans);
	free(f->scratch);
	free(f->sortbuf);
	free(f);
}

size_t flame_truncated_stacks(const struct flame *f)
{
	return f->truncated;
}

double flame_total(const struct flame *f)
{
	return f->nodes[0].value;
}

static size_t slot_of(uint32_t parent, uint32_t name, size_t nslots)
{
	uint64_t h = (uint64_t)parent * 0x9e3779b97f4a7c15ULL ^
		     (uint64_t)name * 0xc2b2ae3d27d4eb4fULL;

	h ^= h >> 29;
	return (size_t)(h * 0xbf58476d1ce4e5b9ULL >> 20) & (nslots - 1);
}

static void slots_insert(struct slot *slots, size_t nslots, uint32_t parent,
			 uint32_t name, uint32_t node)
{
	size_t i = slot_of(parent, name, nslots);

	while (slots[i].node1)
		i = (i + 1) & (nslots - 1);
	slots[i].parent = parent;
	slots[i].name = name;
	slots[i].node1 = node + 1;
}

static int slots_grow(struct flame *f)
{
	size_t nslots = f->nslots * 2;
	struct slot *slots = calloc(nslots, sizeof *slots);

	if (!slots)
		return -ENOMEM;
	for (uint32_t c = 1; c < f->n; c++)
		if (f->nodes[f->nodes[c].parent].nchildren > SMALL_CHILDREN)
			slots_insert(slots, nslots, f->nodes[c].parent,
				     f->nodes[c].name, c);
	free(f->slots);
	f->slots = slots;
	f->nslots = nslots;
	return 0;
}

/* Index of the slot holding (parent, name), or of the empty slot where it
 * would go. */
static size_t probe_slot(const struct flame *f, uint32_t parent,
			 uint32_t name)
{
	size_t i = slot_of(parent, name, f->nslots);

	while (f->slots[i].node1) {
		const struct slot *sl = &f->slots[i];

		if (sl->name == name && sl->parent == parent)
			break;
		i = (i + 1) & (f->nslots - 1);
	}
	return i;
}

static void link_child(struct flame *f, uint32_t parent, uint32_t c)
{
	struct node *p = &f->nodes[parent];

	f->nodes[c].parent = parent;
	if (p->last == NONE)
		p->first = c;
	else
		f->nodes[p->last].next = c;
	p->last = c;
}

/* Flame charts: only the last child can continue a frame. */
static uint32_t get_chart_child(struct flame *f, uint32_t parent,
				uint32_t name)
{
	uint32_t c = f->nodes[parent].last;

	if (c != NONE && f->nodes[c].name == name)
		return c;
	c = new_node(f, name);
	if (c != NONE)
		link_child(f, parent, c);
	return c;
}

/* Makes room for one more hashed child; 0 or -ENOMEM. */
static int slots_reserve(struct flame *f, size_t more)
{
	while (4 * (f->nhashed + more) > 3 * f->nslots)
		if (slots_grow(f))
			return -ENOMEM;
	return 0;
}

/* A node's children go into the hash table when it gets its
 * SMALL_CHILDREN + 1st. */
static int hash_children(struct flame *f, uint32_t parent)
{
	if (slots_reserve(f, f->nodes[parent].nchildren))
		return -ENOMEM;
	for (uint32_t c = f->nodes[parent].first; c != NONE;
	     c = f->nodes[c].next) {
		slots_insert(f->slots, f->nslots, parent, f->nodes[c].name, c);
		f->nhashed++;
	}
	return 0;
}

static uint32_t get_small_child(struct flame *f, uint32_t parent,
				uint32_t name)
{
	uint32_t c;

	for (c = f->nodes[parent].first; c != NONE; c = f->nodes[c].next)
		if (f->nodes[c].name == name)
			return c;
	c = new_node(f, name);
	if (c == NONE)
		return NONE;
	link_child(f, parent, c);
	if (++f->nodes[parent].nchildren > SMALL_CHILDREN &&
	    hash_children(f, parent))
		return NONE;
	return c;
}

/* The child of parent named name, created when missing; NONE on ENOMEM. */
static uint32_t get_child(struct flame *f, uint32_t parent, uint32_t name)
{
	size_t i;
	uint32_t c;

	if (f->o.flamechart)
		return get_chart_child(f, parent, name);
	if (f->nodes[parent].nchildren <= SMALL_CHILDREN)
		return get_small_child(f, parent, name);
	i = probe_slot(f, parent, name);
	if (f->slots[i].node1)
		return f->slots[i].node1 - 1;
	if (4 * (f->nhashed + 1) > 3 * f->nslots) {
		if (slots_grow(f))
			return NONE;
		i = probe_slot(f, parent, name);
	}
	c = new_node(f, name);
	if (c == NONE)
		return NONE;
	link_child(f, parent, c);
	f->nodes[parent].nchildren++;
	f->slots[i].parent = parent;
	f->slots[i].name = name;
	f->slots[i].node1 = c + 1;
	f->nhashed++;
	return c;
}

/* Interns frame p[0..n) as kind byte + clean name; -ENOMEM or the id. */
static int64_t clean_name(struct flame *f, const char *p, size_t n)
{
	enum text_kind kind = text_kind_of(p, &n);
	size_t len;

	f->scratch[0] = (char)kind;
	if (text_is_clean(p, n)) {
		memcpy(f->scratch + 1, p, n);
		len = n;
	} else {
		len = text_clean(p, n, f->scratch + 1);
	}
	return intern_add(f->names, f->scratch, len + 1, NULL);
}

/* The name id of frame p[0..n), through a cache of raw names so each
 * distinct name is classified and cleaned once. */
static int64_t frame_name(struct flame *f, const char *p, size_t n)
{
	int64_t raw, id;
	int added;

	if (n > TEXT_NAME_MAX)
		return clean_name(f, p, n);
	raw = intern_add(f->raw, p, n, &added);
	if (raw < 0)
		return raw;
	if (!added)
		return f->raw2name[raw];
	if ((size_t)raw >= f->rawcap) {
		size_t cap = f->rawcap ? f->rawcap * 2 : 1024;
		uint32_t *m = realloc(f->raw2name, cap * sizeof *m);

		if (!m)
			return -ENOMEM;
		f->raw2name = m;
		f->rawcap = cap;
	}
	id = clean_name(f, p, n);
	if (id >= 0)
		f->raw2name[raw] = (uint32_t)id;
	return id;
}

/* Splits stack into f->spans (in graph order: reversed for --reverse),
 * skipping empty frames.  Returns the number of spans; sets *cut when more
 * than FLAME_MAX_DEPTH - 1 frames were there (the last span is then unused
 * and the caller adds "[truncated]"). */
static size_t split_stack(struct flame *f, const char *s, size_t len,
			  int *cut)
{
	size_t n = 0, max = FLAME_MAX_DEPTH - 1;
	size_t i = f->o.reverse ? len : 0;

	*cut = 0;
	while (f->o.reverse ? i > 0 : i < len) {
		const char *semi;
		size_t start, end;

		if (f->o.reverse) {
			end = i;
			semi = memrchr(s, ';', end);
			start = semi ? (size_t)(semi - s) + 1 : 0;
			i = semi ? (size_t)(semi - s) : 0;
		} else {
			start = i;
			semi = memchr(s + i, ';', len - i);
			end = semi ? (size_t)(semi - s) : len;
			i = end + 1;
		}
		if (end == start)
			continue;
		if (n == max) {
			*cut = 1;
			break;
		}
		f->spans[n].p = s + start;
		f->spans[n++].n = end - start;
	}
	return n;
}

static void add_to(struct node *nd, double count, double before)
{
	nd->value += count;
	nd->before += before;
}

#define PREV_MAX (1u << 20) /* longer stacks are not remembered */

/* How many leading frames this stack shares with the previous one (same
 * bytes up to the end of the frame); their nodes are f->prev_node[]. */
static size_t shared_frames(const struct flame *f, const char *stack,
			    size_t len, size_t n)
{
	size_t common = 0, lim = len < f->prev_len ? len : f->prev_len, k = 0;

	if (f->o.reverse)
		return 0;
	while (common < lim && stack[common] == f->prev[common])
		common++;
	while (k < n && k < f->prev_depth) {
		size_t end = (size_t)(f->spans[k].p - stack) + f->spans[k].n;

		if (end > common || end != f->prev_end[k])
			break;
		k++;
	}
	return k;
}

/* Keeps the stack's bytes and its first n frames for the next call. */
static void remember(struct flame *f, const char *stack, size_t len,
		     size_t n)
{
	f->prev_depth = 0;
	f->prev_len = 0;
	if (f->o.reverse || len > PREV_MAX)
		return;
	if (len > f->prev_cap) {
		size_t cap = len < 4096 ? 4096 : len * 2;
		char *p = realloc(f->prev, cap);

		if (!p)
			return;
		f->prev = p;
		f->prev_cap = cap;
	}
	memcpy(f->prev, stack, len);
	f->prev_len = len;
	for (size_t i = 0; i < n; i++)
		f->prev_end[i] = (size_t)(f->spans[i].p - stack) + f->spans[i].n;
	f->prev_depth = n;
}

int flame_add(struct flame *f, const char *stack, size_t len, double count,
	      double before, int diff)
{
	uint32_t node = 0;
	size_t n, real, i, shared;
	int cut, off;

	if (diff)
		f->diff = 1;
	else
		before = count;
	real = n = split_stack(f, stack, len, &cut);
	if (cut) {
		f->spans[n].p = "[truncated]";
		f->spans[n++].n = 11;
		f->truncated++;
	}
	off = real > 0 && f->spans[real - 1].n == 9 &&
	      !memcmp(f->spans[real - 1].p, "[off-cpu]", 9);
	if (off && !strcmp(f->o.countname, "samples"))
		f->o.countname = "microseconds"; /* flamer collapse --off-cpu/--wall */
	add_to(&f->nodes[0], count, before);
	shared = shared_frames(f, stack, len, real);
	for (i = 0; i < shared; i++) {
		node = f->prev_node[i];
		add_to(&f->nodes[node], count, before);
		f->nodes[node].off += off ? count : 0;
	}
	f->prev_depth = 0; /* in case of ENOMEM below */
	for (; i < n; i++) {
		int64_t name = frame_name(f, f->spans[i].p, f->spans[i].n);

		if (name < 0)
			return -ENOMEM;
		node = get_child(f, node, (uint32_t)name);
		if (node == NONE)
			return -ENOMEM;
		add_to(&f->nodes[node], count, before);
		f->nodes[node].off += off ? count : 0;
		if (i < real)
			f->prev_node[i] = node;
	}
	remember(f, stack, len, real);
	return 0;
}

int flame_is_diff(const struct flame *f)
{
	return f->diff;
}

void flame_set_palfile(struct flame *f, struct palfile *p)
{
	f->o.palfile = p;
}

const struct flame_opts *flame_options(const struct flame *f)
{
	return &f->o;
}

static const char *node_name(const struct flame *f, uint32_t node,
			     size_t *len)
{
	const char *s = intern_get(f->names, f->nodes[node].name, len);

	(*len)--;
	return s + 1;
}

static int cmp_name(const void *a, const void *b, void *arg)
{
	const struct flame *f = arg;
	size_t la, lb;
	const char *sa = node_name(f, *(const uint32_t *)a, &la);
	const char *sb = node_name(f, *(const uint32_t *)b, &lb);
	int c = memcmp(sa, sb, la < lb ? la : lb);

	if (c)
		return c;
	if (la != lb)
		return la < lb ? -1 : 1;
	return (int)sa[-1] - (int)sb[-1]; /* kind */
}

static int cmp_weight(const void *a, const void *b, void *arg)
{
	const struct flame *f = arg;
	double va = f->nodes[*(const uint32_t *)a].value;
	double vb = f->nodes[*(const uint32_t *)b].value;

	if (va != vb)
		return va > vb ? -1 : 1;
	return cmp_name(a, b, arg);
}

/* Sorts the children of node p and relinks them. */
static int sort_children(struct flame *f, uint32_t p)
{
	size_t k = 0;

	if (f->o.flamechart)
		return 0;
	for (uint32_t c = f->nodes[p].first; c != NONE; c = f->nodes[c].next)
		k++;
	if (k < 2)
		return 0;
	if (k > f->sortcap) {
		uint32_t *b = realloc(f->sortbuf, k * sizeof *b);

		if (!b)
			return -ENOMEM;
		f->sortbuf = b;
		f->sortcap = k;
	}
	k = 0;
	for (uint32_t c = f->nodes[p].first; c != NONE; c = f->nodes[c].next)
		f->sortbuf[k++] = c;
	qsort_r(f->sortbuf, k, sizeof *f->sortbuf,
		f->o.sort_weight ? cmp_weight : cmp_name, f);
	f->nodes[p].first = f->sortbuf[0];
	for (size_t i = 0; i + 1 < k; i++)
		f->nodes[f->sortbuf[i]].next = f->sortbuf[i + 1];
	f->nodes[f->sortbuf[k - 1]].next = NONE;
	f->nodes[p].last = f->sortbuf[k - 1];
	return 0;
}

static int emit(struct flame *f, const struct flame_frame *fr)
{
	if (f->nframes == f->framescap) {
		size_t cap = f->framescap ? f->framescap * 2 : 1024;
		struct flame_frame *p = realloc(f->frames, cap * sizeof *p);

		if (!p)
			return -ENOMEM;
		f->frames = p;
		f->framescap = cap;
	}
	f->frames[f->nframes++] = *fr;
	return 0;
}

static int emit_node(struct flame *f, uint32_t node, unsigned depth,
		     double x)
{
	struct flame_frame fr = {
		.depth = depth, .x = x, .value = f->nodes[node].value,
		.before = f->nodes[node].before,
	};

	fr.name = node_name(f, node, &fr.name_len);
	fr.kind = (enum text_kind)(unsigned char)fr.name[-1];
	if (node == 0)
		fr.kind = TK_NATIVE;
	else if (f->nodes[node].off > 0 &&
		 f->nodes[node].off >= f->nodes[node].value)
		fr.kind = TK_OFFCPU; /* only off-CPU time passes here */
	return emit(f, &fr);
}

/* One frame for the narrow children of a node: "[N narrow frames]". */
static int emit_merged(struct flame *f, unsigned depth, double x,
		       double value, double before, unsigned count)
{
	char buf[64];
	int len = snprintf(buf, sizeof buf, "%c[%u narrow frames]",
			   (char)TK_MERGED, count);
	int64_t id = intern_add(f->names, buf, (size_t)len, NULL);
	struct flame_frame fr = {
		.kind = TK_MERGED, .depth = depth, .x = x, .value = value,
		.before = before, .merged = count,
	};

	if (id < 0)
		return -ENOMEM;
	fr.name = intern_get(f->names, (uint32_t)id, &fr.name_len) + 1;
	fr.name_len--;
	return emit(f, &fr);
}

/* Lays out node at x (samples) and depth, then its children: those at
 * least minv wide side by side from x, the narrower ones merged into one
 * frame after them (drawn when it is itself at least minv wide). */
static int layout_node(struct flame *f, uint32_t node, unsigned depth,
		       double x, double minv)
{
	double cx = x, nv = 0, nb = 0;
	unsigned nn = 0;
	int err = sort_children(f, node);

	if (!err)
		err = emit_node(f, node, depth, x);
	for (uint32_t c = f->nodes[node].first; !err && c != NONE;
	     c = f->nodes[c].next) {
		const struct node *cn = &f->nodes[c];

		if (!(cn->value > 0))
			continue;
		if (cn->value < minv) {
			nn++;
			nv += cn->value;
			nb += cn->before;
			continue;
		}
		err = layout_node(f, c, depth + 1, cx, minv);
		cx += cn->value;
	}
	if (!err && nn >= 2 && nv >= minv)
		err = emit_merged(f, depth + 1, cx, nv, nb, nn);
	return err;
}

int flame_layout(struct flame *f, const struct flame_frame **frames,
		 size_t *n)
{
	double total = f->nodes[0].value, minv;
	int err;

	if (!(total > 0))
		return -FE_EMPTY;
	if (f->o.minwidth_pct)
		minv = total * f->o.minwidth / 100;
	else
		minv = f->o.minwidth * total / (f->o.width - 20);
	f->nframes = 0;
	err = layout_node(f, 0, 0, 0, minv);
	if (err)
		return err;
	*frames = f->frames;
	*n = f->nframes;
	return 0;
}
