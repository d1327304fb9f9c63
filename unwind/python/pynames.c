/* pynames.c - the names Python gives its threads (threading.Thread.name),
 * read from the target's memory.
 *
 * Path: the main interpreter's sys.modules (interp->modules, 3.12+
 * interp->imports.modules) -> "threading" -> its module dict -> "_active"
 * (ident -> Thread) -> each Thread's instance attributes "_native_id" (the
 * kernel tid, set by the thread itself before it enters _active) and
 * "_name".  Every object on the way is checked against the interpreter's
 * own type objects (dict, module, int, str: their addresses come from its
 * symbols), every dict's key table against the layout of its version, and
 * every count and length is bounded; what does not check out gives no
 * name.  Memory is read through a callback (struct pymem), so the unit
 * tests run the same code on a fake image.
 *
 * Where a Thread keeps its attributes changes with every version:
 *   3.8-3.10  a dict at tp_dictoffset (a split-key or a combined dict)
 *   3.11      Py_TPFLAGS_MANAGED_DICT: a values array at obj - 32 (keyed
 *             by the type's ht_cached_keys), else a dict at obj - 24
 *   3.12      MANAGED_DICT: one word at obj - 24, a values array (bit 0
 *             set, address = word + 1) or a dict
 *   3.13      Py_TPFLAGS_INLINE_VALUES: a values array right after the
 *             object header, used while its `valid` byte is set; else the
 *             managed dict at obj - 24
 * (CPython's _PyObject_GenericGetAttrWithDict of each version does the
 * same.)  Those pre-header offsets and flag bits are not in DWARF: they are
 * the table `modes` below.
 */
#include "pyint.h"

#include "../../common/error.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

enum {
	DICT_MAX_LOG2 = 20,    /* key tables up to 2^20 slots */
	ACTIVE_MAX = 1024,     /* threads read from _active */
	CHUNK = 64,            /* entries (and key strings) per read */
	NAME_MAX_CHARS = PY_THREAD_NAME_CHARS,
};

/* How an instance keeps its attributes, per version (see the top). */
struct objmode {
	int minor;
	uint64_t managed_dict_flag;  /* 0: always tp_dictoffset */
	uint64_t inline_values_flag; /* 3.13 */
	int32_t dict_off;            /* managed dict word, from obj */
	int32_t values_off;          /* 3.11 values pointer, from obj; 0 none */
	int tagged;                  /* 3.12: the dict word may be values | 1 */
};

static const struct objmode modes[] = {
	{8, 0, 0, 0, 0, 0},
	{9, 0, 0, 0, 0, 0},
	{10, 0, 0, 0, 0, 0},
	{11, 1u << 4, 0, -24, -32, 0},
	{12, 1u << 4, 0, -24, 0, 1},
	{13, 1u << 4, 1u << 2, -24, 0, 0},
};

static const struct objmode *mode_of(int minor)
{
	for (size_t i = 0; i < sizeof modes / sizeof *modes; i++)
		if (modes[i].minor == minor)
			return &modes[i];
	return NULL;
}

static int addr_ok(uint64_t p)
{
	return p >= 4096 && p < (1ULL << 47);
}

static int ptr_ok(uint64_t p)
{
	return addr_ok(p) && !(p & 7);
}

static uint64_t u64_at(const unsigned char *b, int32_t off)
{
	uint64_t v;

	memcpy(&v, b + off, sizeof v);
	return v;
}

/* Reads len bytes; any failure but a gone process is inconsistent memory. */
static int rd(const struct pymem *m, uint64_t addr, void *buf, size_t len)
{
	struct pyiov io = {addr, buf, len, 0};
	int err;

	if (!addr_ok(addr) || len > (1u << 20) || !addr_ok(addr + len))
		return -FE_BAD_MEMORY;
	err = m->readv(m->ctx, &io, 1);
	if (err == -ESRCH || err == -ENOMEM)
		return err;
	return err || !io.ok ? -FE_BAD_MEMORY : 0;
}

static int rd_ptr(const struct pymem *m, uint64_t addr, uint64_t *out)
{
	unsigned char b[8];
	int err = rd(m, addr, b, sizeof b);

	if (!err)
		*out = u64_at(b, 0);
	return err;
}

/* 0 when the object at obj is of type `type` (exactly). */
static int check_type(const struct pynames *pn, uint64_t obj, uint64_t type)
{
	uint64_t t;
	int err;

	if (!ptr_ok(obj))
		return -FE_BAD_MEMORY;
	err = rd_ptr(pn->mem, obj + (uint64_t)pn->l->ob_type, &t);
	return err ? err : t == type ? 0 : -FE_BAD_MEMORY;
}

/* ---- dicts ---- */

/* A key table: where its entries are and how they look. */
struct dkeys {
	uint64_t entries;   /* address of entry 0 */
	uint64_t n;         /* entries in use (dk_nentries) */
	int32_t esize, ekey, evalue;
};

static int keys_read(const struct pynames *pn, uint64_t keys, struct dkeys *k)
{
	const struct pylayout *l = pn->l;
	unsigned char b[64];
	int64_t n, size;
	int err;

	if (!ptr_ok(keys) || l->dk_indices > (int32_t)sizeof b ||
	    l->dk_nentries + 8 > l->dk_indices)
		return -FE_BAD_MEMORY;
	err = rd(pn->mem, keys, b, (size_t)l->dk_indices);
	if (err)
		return err;
	memcpy(&n, b + l->dk_nentries, sizeof n);
	k->esize = l->de_sizeof;
	k->ekey = l->de_key;
	k->evalue = l->de_value;
	if (l->minor <= 10) {
		memcpy(&size, b + l->dk_size, sizeof size);
		if (size < 8 || size > (1 << DICT_MAX_LOG2) || (size & (size - 1)))
			return -FE_BAD_MEMORY;
		/* DK_IXSIZE: 1, 2 or 4 bytes per index at these sizes */
		k->entries = keys + (uint64_t)l->dk_indices +
			     (uint64_t)size * (size <= 0xff ? 1 : size <= 0xffff ? 2 : 4);
	} else {
		unsigned log2 = b[l->dk_log2_size], ixb = b[l->dk_log2_index_bytes];
		unsigned kind = b[l->dk_kind];

		if (log2 < 3 || log2 > DICT_MAX_LOG2 ||
		    ixb != log2 + (log2 >= 8) + (log2 >= 16) || kind > 2)
			return -FE_BAD_MEMORY;
		size = (int64_t)1 << log2;
		k->entries = keys + (uint64_t)l->dk_indices + ((uint64_t)1 << ixb);
		if (kind != 0) { /* DICT_KEYS_UNICODE, DICT_KEYS_SPLIT */
			k->esize = l->due_sizeof;
			k->ekey = l->due_key;
			k->evalue = l->due_value;
		}
	}
	if (n < 0 || n > size || k->esize <= 0 || k->esize > 64 ||
	    k->ekey + 8 > k->esize || k->evalue + 8 > k->esize)
		return -FE_BAD_MEMORY;
	k->n = (uint64_t)n;
	return 0;
}

/* Key strings are compared in batches: one read per key of its header
 * and as many characters as the name looked for, plus its NUL. */
static int keys_match(const struct pynames *pn, const uint64_t *keys,
		      size_t n, const char *const *want, size_t nwant,
		      int *which)
{
	const struct pylayout *l = pn->l;
	size_t maxlen = 0, len;
	struct pyiov io[CHUNK];
	unsigned char (*b)[128];
	int err = 0;

	for (size_t j = 0; j < nwant; j++)
		if (strlen(want[j]) > maxlen)
			maxlen = strlen(want[j]);
	len = (size_t)l->str_ascii_size + maxlen + 1;
	if (n > CHUNK || len > 128)
		return -FE_BAD_MEMORY;
	b = malloc(CHUNK * sizeof *b);
	if (!b)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		io[i] = (struct pyiov){keys[i], b[i], len, 0};
	err = pn->mem->readv(pn->mem->ctx, io, n);
	for (size_t i = 0; !err && i < n; i++) {
		uint32_t state;
		int64_t slen;

		which[i] = -1;
		/* a key that cannot be read may be the one looked for */
		if (!io[i].ok) {
			err = -FE_BAD_MEMORY;
			break;
		}
		memcpy(&state, b[i] + l->str_state, sizeof state);
		memcpy(&slen, b[i] + l->str_length, sizeof slen);
		/* compact ASCII str: kind 1, compact, ascii */
		if (u64_at(b[i], l->ob_type) != pn->types.str ||
		    ((state >> 2) & 7) != 1 || !((state >> 5) & 1) ||
		    !((state >> 6) & 1) || slen < 0 || (uint64_t)slen > maxlen)
			continue;
		for (size_t j = 0; j < nwant; j++)
			if (strlen(want[j]) == (size_t)slen &&
			    !memcmp(b[i] + l->str_ascii_size, want[j],
				    (size_t)slen) &&
			    b[i][l->str_ascii_size + slen] == 0)
				which[i] = (int)j;
	}
	free(b);
	return err == -ESRCH || err == -ENOMEM ? err :
	       err ? -FE_BAD_MEMORY : 0;
}

/* Calls fn on the (key, value) of every live entry of the key table at
 * keys, values from the values array at `values` (split tables) or from
 * the entries; stops when fn returns non-zero (returned). */
typedef int (*entry_fn)(const struct pynames *pn, uint64_t *keys,
			uint64_t *vals, size_t n, void *arg);

static int dict_foreach(const struct pynames *pn, uint64_t keys,
			uint64_t values, entry_fn fn, void *arg)
{
	struct dkeys k;
	unsigned char eb[CHUNK * 64], vb[CHUNK * 8];
	uint64_t ks[CHUNK], vs[CHUNK];
	int err = keys_read(pn, keys, &k);

	if (!err && values && !ptr_ok(values))
		err = -FE_BAD_MEMORY;
	for (uint64_t i = 0; !err && i < k.n; i += CHUNK) {
		size_t c = k.n - i < CHUNK ? (size_t)(k.n - i) : CHUNK, m = 0;

		err = rd(pn->mem, k.entries + i * (uint64_t)k.esize, eb,
			 c * (size_t)k.esize);
		if (!err && values)
			err = rd(pn->mem, values + i * 8, vb, c * 8);
		for (size_t j = 0; !err && j < c; j++) {
			uint64_t key = u64_at(eb, (int32_t)j * k.esize + k.ekey);
			uint64_t val = values ? u64_at(vb, (int32_t)j * 8) :
				       u64_at(eb, (int32_t)j * k.esize + k.evalue);

			/* a deleted entry: no key, no value, or 3.8-3.10's
			 * dummy key (not a str: never matches) */
			if (!key || !val)
				continue;
			if (!ptr_ok(key) || !ptr_ok(val)) {
				err = -FE_BAD_MEMORY;
				break;
			}
			ks[m] = key;
			vs[m++] = val;
		}
		if (!err && m)
			err = fn(pn, ks, vs, m, arg);
	}
	return err;
}

/* A dict object's key table and values array (0: combined). */
static int dict_parts(const struct pynames *pn, uint64_t dict, uint64_t *keys,
		      uint64_t *values)
{
	const struct pylayout *l = pn->l;
	unsigned char b[64];
	int err = check_type(pn, dict, pn->types.dict);

	if (!err && (l->ma_keys + 8 > (int32_t)sizeof b ||
		     l->ma_values + 8 > (int32_t)sizeof b))
		err = -FE_BAD_MEMORY;
	if (!err)
		err = rd(pn->mem, dict, b, sizeof b);
	if (err)
		return err;
	*keys = u64_at(b, l->ma_keys);
	*values = u64_at(b, l->ma_values);
	/* 3.11+: a PyDictValues, whose array starts at dv_values */
	if (*values && l->minor >= 11)
		*values += (uint64_t)l->dv_values;
	return 0;
}

struct lookup {
	const char *const *want;
	size_t nwant;
	uint64_t *found; /* per name, 0 = not found */
};

static int lookup_fn(const struct pynames *pn, uint64_t *keys, uint64_t *vals,
		     size_t n, void *arg)
{
	struct lookup *lk = arg;
	int which[CHUNK];
	int err = keys_match(pn, keys, n, lk->want, lk->nwant, which);

	for (size_t i = 0; !err && i < n; i++)
		if (which[i] >= 0) {
			/* a key twice: not a dict as CPython keeps one */
			if (lk->found[which[i]])
				return -FE_BAD_MEMORY;
			lk->found[which[i]] = vals[i];
		}
	return err;
}

/* Looks up the str keys want[0..n) in the key table / values at keys,
 * values; found[i] = the value or 0. */
static int table_lookup(const struct pynames *pn, uint64_t keys,
			uint64_t values, const char *const *want, size_t n,
			uint64_t *found)
{
	struct lookup lk = {want, n, found};

	memset(found, 0, n * sizeof *found);
	return dict_foreach(pn, keys, values, lookup_fn, &lk);
}

int py_dict_lookup(const struct pynames *pn, uint64_t dict,
		   const char *const *want, size_t n, uint64_t *found)
{
	uint64_t keys, values;
	int err = dict_parts(pn, dict, &keys, &values);

	return err ? err : table_lookup(pn, keys, values, want, n, found);
}

/* ---- objects ---- */

int py_obj_attrs(const struct pynames *pn, uint64_t obj,
		 const char *const *want, size_t n, uint64_t *found)
{
	const struct pylayout *l = pn->l;
	const struct objmode *md = mode_of(l->minor);
	unsigned char tb[1024];
	uint64_t type, flags, word = 0, cached;
	int64_t basicsize, dictoffset;
	int err;

	if (!md || !ptr_ok(obj))
		return -FE_BAD_MEMORY;
	int32_t need = l->tp_flags;

	if (l->tp_dictoffset > need)
		need = l->tp_dictoffset;
	if (l->tp_basicsize > need)
		need = l->tp_basicsize;
	if (md->managed_dict_flag && l->ht_cached_keys > need)
		need = l->ht_cached_keys;
	need += 8;
	err = rd_ptr(pn->mem, obj + (uint64_t)l->ob_type, &type);
	if (!err && (!ptr_ok(type) || need > (int32_t)sizeof tb))
		err = -FE_BAD_MEMORY;
	if (!err)
		err = rd(pn->mem, type, tb, (size_t)need);
	if (err)
		return err;
	flags = u64_at(tb, l->tp_flags);
	memcpy(&basicsize, tb + l->tp_basicsize, sizeof basicsize);
	memcpy(&dictoffset, tb + l->tp_dictoffset, sizeof dictoffset);
	/* the shared keys of a heap type (Py_TPFLAGS_HEAPTYPE) */
	cached = md->managed_dict_flag && (flags & (1u << 9)) ?
			 u64_at(tb, l->ht_cached_keys) : 0;
	if (md->inline_values_flag && (flags & md->inline_values_flag)) {
		/* 3.13: right after the header, while valid */
		unsigned char valid;
		uint64_t v = obj + (uint64_t)l->ob_sizeof;

		if (basicsize != l->ob_sizeof || !(flags & md->managed_dict_flag))
			return -FE_BAD_MEMORY;
		err = rd(pn->mem, v + (uint64_t)l->dv_valid, &valid, 1);
		if (err)
			return err;
		if (valid)
			return table_lookup(pn, cached, v + (uint64_t)l->dv_values,
					    want, n, found);
	}
	if (md->managed_dict_flag && (flags & md->managed_dict_flag)) {
		if (md->values_off) { /* 3.11 */
			err = rd_ptr(pn->mem, obj + (uint64_t)(int64_t)md->values_off,
				     &word);
			if (err)
				return err;
			if (word)
				return table_lookup(pn, cached,
						    word + (uint64_t)l->dv_values,
						    want, n, found);
		}
		err = rd_ptr(pn->mem, obj + (uint64_t)(int64_t)md->dict_off, &word);
		if (err)
			return err;
		if (md->tagged && (word & 1)) /* 3.12: values, tagged */
			return table_lookup(pn, cached,
					    word + 1 + (uint64_t)l->dv_values,
					    want, n, found);
	} else {
		/* a dict at tp_dictoffset; negative ones (variable-size
		 * objects) are not followed */
		if (dictoffset <= 0 || dictoffset > (1 << 16))
			return -ENOENT;
		err = rd_ptr(pn->mem, obj + (uint64_t)dictoffset, &word);
		if (err)
			return err;
	}
	if (!word)
		return -ENOENT; /* no attributes yet */
	return py_dict_lookup(pn, word, want, n, found);
}

int py_read_small_int(const struct pynames *pn, uint64_t obj, int64_t *out)
{
	const struct pylayout *l = pn->l;
	unsigned char b[64];
	uint64_t size;
	uint32_t digit;
	int err = check_type(pn, obj, pn->types.lng);

	if (!err && (l->lg_size + 8 > (int32_t)sizeof b ||
		     l->lg_digit + 4 > (int32_t)sizeof b))
		err = -FE_BAD_MEMORY;
	if (!err)
		err = rd(pn->mem, obj, b, (size_t)l->lg_digit + 4);
	if (err)
		return err;
	size = u64_at(b, l->lg_size);
	memcpy(&digit, b + l->lg_digit, sizeof digit);
	if (l->minor >= 12) {
		/* lv_tag: digits << 3 | sign (0 positive, 1 zero, 2 negative) */
		if (size == 1) {
			*out = 0;
			return 0;
		}
		if (size != (1u << 3))
			return -FE_BAD_MEMORY;
	} else {
		if (size == 0) { /* ob_size: signed digit count */
			*out = 0;
			return 0;
		}
		if (size != 1)
			return -FE_BAD_MEMORY;
	}
	if (digit >= (1u << 30))
		return -FE_BAD_MEMORY;
	*out = digit;
	return 0;
}

int py_read_name(const struct pynames *pn, uint64_t obj, char *out,
		 size_t outsize)
{
	const struct pylayout *l = pn->l;
	unsigned char hdr[128], data[NAME_MAX_CHARS * 4];
	struct pystr st;
	int err = check_type(pn, obj, pn->types.str);

	if (!err && ((size_t)l->str_compact_size > sizeof hdr ||
		     outsize < NAME_MAX_CHARS * 4 + 1))
		err = -FE_BAD_MEMORY;
	if (!err)
		err = rd(pn->mem, obj, hdr, (size_t)l->str_compact_size);
	if (!err)
		err = py_str_header(l, hdr, NAME_MAX_CHARS, &st);
	if (!err && st.n)
		err = rd(pn->mem, obj + st.data, data, st.n * (size_t)st.kind);
	return err ? err : py_str_utf8(&st, data, out, outsize);
}

/* ---- threads ---- */

static const char *const k_threading[] = {"threading"};
static const char *const k_active[] = {"_active"};
static const char *const k_thread[] = {"_native_id", "_name"};

struct active {
	struct pythread_name *out;
	size_t max, n;
};

static int thread_fn(const struct pynames *pn, uint64_t *keys, uint64_t *vals,
		     size_t n, void *arg)
{
	struct active *a = arg;

	for (size_t i = 0; i < n; i++) {
		uint64_t attr[2];
		int64_t tid;
		struct pythread_name *t;
		int err;

		if (a->n == a->max)
			return 0;
		t = &a->out[a->n];
		err = py_obj_attrs(pn, vals[i], k_thread, 2, attr);
		/* one Thread that cannot be read costs its own name only */
		if (err == -ESRCH || err == -ENOMEM)
			return err;
		if (err || !attr[0] || !attr[1] ||
		    py_read_small_int(pn, attr[0], &tid) != 0 || tid <= 0 ||
		    py_read_name(pn, attr[1], t->name, sizeof t->name) != 0)
			continue;
		t->tid = (int32_t)tid;
		a->n++;
	}
	return 0;
}

static int scan_once(const struct pynames *pn, uint64_t runtime,
		     struct pythread_name *out, size_t max, size_t *n)
{
	const struct pylayout *l = pn->l;
	struct active a = {out, max, 0};
	uint64_t interp, modules, threading, mdict, active, keys, values;
	int err;

	*n = 0;
	err = rd_ptr(pn->mem, runtime + (uint64_t)l->rt_interp_main, &interp);
	if (!err && !ptr_ok(interp))
		err = -FE_BAD_MEMORY;
	if (!err)
		err = rd_ptr(pn->mem, interp + (uint64_t)l->is_modules, &modules);
	if (err)
		return err;
	if (!modules)
		return -ENOENT; /* not initialised yet */
	err = py_dict_lookup(pn, modules, k_threading, 1, &threading);
	if (!err && !threading)
		return -ENOENT; /* threading not imported */
	if (!err)
		err = check_type(pn, threading, pn->types.module);
	if (!err)
		err = rd_ptr(pn->mem, threading + (uint64_t)l->md_dict, &mdict);
	if (!err)
		err = py_dict_lookup(pn, mdict, k_active, 1, &active);
	if (!err && !active)
		return -ENOENT;
	if (!err)
		err = dict_parts(pn, active, &keys, &values);
	if (!err)
		err = dict_foreach(pn, keys, values, thread_fn, &a);
	*n = a.n;
	return err;
}

static int cmp_name(const void *a, const void *b)
{
	const struct pythread_name *x = a, *y = b;

	return (x->tid > y->tid) - (x->tid < y->tid);
}

int py_thread_names(const struct pynames *pn, uint64_t runtime,
		    struct pythread_name *out, size_t max, size_t *n)
{
	struct pythread_name *again = NULL;
	size_t n1 = 0, n2 = 0, k = 0;
	int err;

	*n = 0;
	if (!pn->types.str || !pn->types.lng || !pn->types.dict ||
	    !pn->types.module || pylayout_names_check(pn->l) != 0)
		return -FE_UNSUPPORTED;
	if (max > ACTIVE_MAX)
		max = ACTIVE_MAX;
	again = calloc(max ? max : 1, sizeof *again);
	if (!again)
		return -ENOMEM;
	/* The target runs on while it is read: a name is kept only when two
	 * reads in a row agree on it, and a tid named twice in one read is
	 * not named. */
	err = scan_once(pn, runtime, out, max, &n1);
	if (!err)
		err = scan_once(pn, runtime, again, max, &n2);
	if (!err) {
		qsort(out, n1, sizeof *out, cmp_name);
		qsort(again, n2, sizeof *again, cmp_name);
		for (size_t i = 0, j = 0; i < n1; i++) {
			int dup = (i > 0 && out[i - 1].tid == out[i].tid) ||
				  (i + 1 < n1 && out[i + 1].tid == out[i].tid);

			while (j < n2 && again[j].tid < out[i].tid)
				j++;
			if (dup || j == n2 || again[j].tid != out[i].tid ||
			    (j + 1 < n2 && again[j + 1].tid == out[i].tid) ||
			    strcmp(again[j].name, out[i].name))
				continue;
			if (k != i)
				out[k] = out[i];
			k++;
		}
		*n = k;
	}
	free(again);
	return err;
}
