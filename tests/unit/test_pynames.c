/* Thread names (unwind/python/pynames.c) against a fake memory image: for
 * each built-in layout 3.8-3.13, a runtime whose sys.modules holds a
 * threading module whose _active holds two Threads, their attributes kept
 * the way that version keeps them (a dict at tp_dictoffset, 3.11's values
 * before the object, 3.12's tagged word, 3.13's inline values).  Checks
 * the names read, their sanitizing, that objects of the wrong type or key
 * tables that do not check out give no name, and that random bit flips
 * never crash or give a name that was not there. */
#include "check.h"

#include "../../common/error.h"
#include "../../unwind/python/pyint.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define BASE 0x10000000ull
#define SIZE (1u << 16)

static unsigned char img[SIZE];
static uint64_t top;

/* Fake types: their addresses only are compared. */
enum { T_STR = 1, T_LONG, T_DICT, T_MODULE, T_THREAD, T_DUMMY };
static uint64_t types[8];

static int fake_readv(void *ctx, struct pyiov *io, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		io[i].ok = io[i].addr >= BASE && io[i].len <= SIZE &&
			   io[i].addr - BASE <= SIZE - io[i].len;
		if (io[i].ok)
			memcpy(io[i].buf, img + (io[i].addr - BASE), io[i].len);
	}
	return 0;
}

static uint64_t alloc(size_t n)
{
	uint64_t a = BASE + top;

	top += (n + 15) & ~(size_t)15;
	return a;
}

static void put64(uint64_t addr, uint64_t v)
{
	memcpy(img + (addr - BASE), &v, 8);
}

static void put8(uint64_t addr, uint8_t v)
{
	img[addr - BASE] = v;
}

static uint64_t obj(const struct pylayout *l, int type, size_t size)
{
	uint64_t a = alloc(size < 64 ? 64 : size);

	put64(a + (uint64_t)l->ob_type, types[type]);
	return a;
}

/* A compact ASCII str. */
static uint64_t str(const struct pylayout *l, const char *s)
{
	size_t n = strlen(s);
	uint64_t a = obj(l, T_STR, (size_t)l->str_ascii_size + n + 1);

	put64(a + (uint64_t)l->str_length, n);
	put64(a + (uint64_t)l->str_state, (1u << 2) | (1u << 5) | (1u << 6));
	memcpy(img + (a - BASE) + l->str_ascii_size, s, n + 1);
	return a;
}

static uint64_t lng(const struct pylayout *l, uint32_t v)
{
	uint64_t a = obj(l, T_LONG, 64);

	put64(a + (uint64_t)l->lg_size, l->minor >= 12 ? 8 : 1);
	put64(a + (uint64_t)l->lg_digit, v);
	return a;
}

/* A key table of 8 slots holding keys[n] (values in the entries unless
 * split); kind: 0 general (any keys), 1 str keys, 2 split.  Returns its
 * address. */
static uint64_t keys_kind(const struct pylayout *l, const uint64_t *k,
			  const uint64_t *v, size_t n, int kind)
{
	int split = kind == 2, uni = l->minor >= 11 && kind != 0;
	int32_t es = uni ? l->due_sizeof : l->de_sizeof;
	int32_t ek = uni ? l->due_key : l->de_key;
	int32_t ev = uni ? l->due_value : l->de_value;
	uint64_t a = alloc((size_t)l->dk_indices + 8 + 8 * (size_t)es);
	uint64_t e = a + (uint64_t)l->dk_indices + 8;

	if (l->minor <= 10) {
		put64(a + (uint64_t)l->dk_size, 8);
	} else {
		put8(a + (uint64_t)l->dk_log2_size, 3);
		put8(a + (uint64_t)l->dk_log2_index_bytes, 3);
		put8(a + (uint64_t)l->dk_kind, (uint8_t)kind);
	}
	put64(a + (uint64_t)l->dk_nentries, n);
	for (size_t i = 0; i < n; i++) {
		put64(e + i * (uint64_t)es + (uint64_t)ek, k[i]);
		if (!split)
			put64(e + i * (uint64_t)es + (uint64_t)ev, v[i]);
	}
	return a;
}

static uint64_t keys(const struct pylayout *l, const uint64_t *k,
		     const uint64_t *v, size_t n, int split)
{
	return keys_kind(l, k, v, n, split ? 2 : 1);
}

static uint64_t dict_kind(const struct pylayout *l, const uint64_t *k,
			  const uint64_t *v, size_t n, int kind)
{
	uint64_t d = obj(l, T_DICT, 64);

	put64(d + (uint64_t)l->ma_keys, keys_kind(l, k, v, n, kind));
	return d;
}

static uint64_t dict(const struct pylayout *l, const uint64_t *k,
		     const uint64_t *v, size_t n)
{
	return dict_kind(l, k, v, n, 1);
}

/* A values array (3.11+: a PyDictValues) of v[n]. */
static uint64_t values(const struct pylayout *l, const uint64_t *v, size_t n)
{
	uint64_t a = alloc(64 + 8 * n);

	for (size_t i = 0; i < n; i++)
		put64(a + (uint64_t)(l->minor >= 11 ? l->dv_values : 0) + 8 * i,
		      v[i]);
	return a;
}

static uint64_t thread_type;

/* A Thread with attributes _native_id = tid, _name = name (a str object)
 * and one more, stored as version minor does (split: the type's shared
 * keys where the version has them). */
static uint64_t thread(const struct pylayout *l, uint32_t tid, uint64_t name,
		       int split)
{
	uint64_t k[3] = {str(l, "_target"), str(l, "_native_id"),
			 str(l, "_name")};
	uint64_t v[3] = {str(l, "x"), lng(l, tid), name};
	uint64_t o = alloc(128) + 64; /* room for the pre-header */

	put64(o + (uint64_t)l->ob_type, thread_type);
	if (l->minor <= 10) {
		uint64_t d = obj(l, T_DICT, 64);

		put64(d + (uint64_t)l->ma_keys, keys(l, k, v, 3, split));
		if (split)
			put64(d + (uint64_t)l->ma_values, values(l, v, 3));
		put64(o + 16, d);
		return o;
	}
	/* the type's shared keys */
	put64(thread_type + (uint64_t)l->ht_cached_keys, keys(l, k, v, 3, 1));
	if (!split) {
		put64(o - 24, dict(l, k, v, 3));
	} else if (l->minor == 11) {
		put64(o - 32, values(l, v, 3));
	} else if (l->minor == 12) {
		put64(o - 24, values(l, v, 3) - 1);
	} else { /* inline, right after the header */
		for (int i = 0; i < 3; i++)
			put64(o + (uint64_t)l->ob_sizeof + (uint64_t)l->dv_values +
				      8 * (uint64_t)i, v[i]);
		put8(o + (uint64_t)l->ob_sizeof + (uint64_t)l->dv_valid, 1);
	}
	return o;
}

/* Builds the image for l; returns the runtime address.  t1's name holds a
 * ';' and a tab. */
static uint64_t build(const struct pylayout *l, int split, uint64_t *t2name)
{
	uint64_t runtime, interp, mod, mdict, active, t1, t2;
	uint64_t mk[2], mv[2], ak[2], av[2];

	memset(img, 0, sizeof img);
	top = 0;
	for (int i = 1; i < 8; i++)
		types[i] = alloc(64);
	thread_type = alloc(1024);
	put64(thread_type + (uint64_t)l->tp_dictoffset, 16);
	put64(thread_type + (uint64_t)l->tp_basicsize,
	      l->minor >= 13 ? (uint64_t)l->ob_sizeof : 32);
	put64(thread_type + (uint64_t)l->tp_flags,
	      (1u << 9) | (l->minor >= 11 ? 1u << 4 : 0) |
		      (l->minor >= 13 ? 1u << 2 : 0));
	t1 = thread(l, 4242, str(l, "work;er\t1"), split);
	*t2name = str(l, "MainThread");
	t2 = thread(l, 4241, *t2name, split);
	ak[0] = lng(l, 1);
	ak[1] = lng(l, 2);
	av[0] = t1;
	av[1] = t2;
	active = dict_kind(l, ak, av, 2, 0);
	mk[0] = str(l, "_limbo");
	mk[1] = str(l, "_active");
	mv[0] = dict(l, NULL, NULL, 0);
	mv[1] = active;
	mdict = dict(l, mk, mv, 2);
	mod = obj(l, T_MODULE, 64);
	put64(mod + (uint64_t)l->md_dict, mdict);
	mk[0] = str(l, "sys");
	mk[1] = str(l, "threading");
	mv[0] = obj(l, T_MODULE, 64);
	mv[1] = mod;
	interp = alloc((size_t)l->is_modules + 8);
	put64(interp + (uint64_t)l->is_modules, dict(l, mk, mv, 2));
	runtime = alloc((size_t)l->rt_interp_main + 8);
	put64(runtime + (uint64_t)l->rt_interp_main, interp);
	return runtime;
}

static struct pymem mem = {fake_readv, NULL};

static struct pynames names_of(const struct pylayout *l)
{
	return (struct pynames){&mem, l,
				{types[T_STR], types[T_LONG], types[T_DICT],
				 types[T_MODULE]}};
}

static void test_versions(void)
{
	static struct pythread_name out[8];

	for (int minor = 8; minor <= 13; minor++)
		for (int split = 0; split < 2; split++) {
			const struct pylayout *l = pylayout_builtin(minor);
			uint64_t t2name, rt = build(l, split, &t2name);
			struct pynames pn = names_of(l);
			size_t n = 99;

			fprintf(stderr, "3.%d split %d\n", minor, split);
			CHECK(pylayout_names_check(l) == 0);
			CHECK(py_thread_names(&pn, rt, out, 8, &n) == 0);
			CHECK(n == 2);
			if (n != 2)
				continue;
			CHECK(out[0].tid == 4241);
			CHECK_STR(out[0].name, "MainThread");
			CHECK(out[1].tid == 4242);
			CHECK_STR(out[1].name, "work?er?1");
			/* a name that is not a str: that thread has none */
			put64(t2name + (uint64_t)l->ob_type, types[T_DUMMY]);
			CHECK(py_thread_names(&pn, rt, out, 8, &n) == 0);
			CHECK(n == 1 && out[0].tid == 4242);
			/* a type address unknown: nothing is read */
			pn.types.lng = 0;
			CHECK(py_thread_names(&pn, rt, out, 8, &n) ==
			      -FE_UNSUPPORTED);
		}
}

static void test_bad_tables(void)
{
	const struct pylayout *l = pylayout_builtin(12);
	uint64_t t2name, rt = build(l, 0, &t2name), k;
	struct pynames pn = names_of(l);
	const char *const want[] = {"_active"};
	uint64_t found = 0, d;
	int64_t v;

	/* the threading module's dict: log2 size that does not match its
	 * index bytes, then a kind that does not exist */
	CHECK(py_read_small_int(&pn, t2name, &v) == -FE_BAD_MEMORY);
	memcpy(&d, img + (rt - BASE) + l->rt_interp_main, 8);
	memcpy(&d, img + (d - BASE) + l->is_modules, 8);
	CHECK(py_dict_lookup(&pn, d, (const char *const[]){"threading"}, 1,
			     &found) == 0);
	CHECK(found != 0);
	memcpy(&d, img + (found - BASE) + l->md_dict, 8);
	CHECK(py_dict_lookup(&pn, d, want, 1, &found) == 0 && found);
	memcpy(&k, img + (d - BASE) + l->ma_keys, 8);
	put8(k + (uint64_t)l->dk_log2_size, 4);
	CHECK(py_dict_lookup(&pn, d, want, 1, &found) == -FE_BAD_MEMORY);
	put8(k + (uint64_t)l->dk_log2_size, 3);
	put8(k + (uint64_t)l->dk_kind, 7);
	CHECK(py_dict_lookup(&pn, d, want, 1, &found) == -FE_BAD_MEMORY);
	put8(k + (uint64_t)l->dk_kind, 1);
	put64(k + (uint64_t)l->dk_nentries, 9); /* more than its 8 slots */
	CHECK(py_dict_lookup(&pn, d, want, 1, &found) == -FE_BAD_MEMORY);
	/* not a dict at all */
	CHECK(py_dict_lookup(&pn, t2name, want, 1, &found) == -FE_BAD_MEMORY);
}

/* Random bit flips: never a crash, never a name that is not one of the
 * two (a flipped character of a name is not caught: the image is not a
 * process that moves on, and both reads agree). */
static void test_bit_flips(void)
{
	static struct pythread_name out[8];
	unsigned seed = 12345;

	for (int minor = 8; minor <= 13; minor++) {
		const struct pylayout *l = pylayout_builtin(minor);

		for (int round = 0; round < 300; round++) {
			uint64_t t2name, rt = build(l, round & 1, &t2name);
			struct pynames pn = names_of(l);
			size_t n = 0;
			int err;

			for (int f = 0; f < 4; f++) {
				seed = seed * 1103515245u + 12345u;
				img[(seed >> 8) % top] ^= (unsigned char)(1u << (seed % 8));
			}
			err = py_thread_names(&pn, rt, out, 8, &n);
			CHECK(err == 0 || err == -FE_BAD_MEMORY || err == -ENOENT);
			CHECK(n <= 2);
		}
	}
}

#define TESTS(X)                                                            \
	X(test_versions)                                                    \
	X(test_bad_tables)                                                  \
	X(test_bit_flips)

CHECK_MAIN(TESTS)
