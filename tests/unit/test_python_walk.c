/* Unit tests of the CPython walker (unwind/python), and the driver of the
 * live tests in tests/python/.
 *
 *   test_python_walk                      unit tests (below)
 *   test_python_walk --walk PID SECONDS [--no-dwarf] [--no-debug-offsets]
 *                    [--lines]
 *       samples every thread of PID every 2 ms for SECONDS and prints
 *       "version V", "source S", then one line per sample:
 *       "S TID RC CPU FRAMES" with CPU the microseconds of CPU the thread
 *       used since its previous sample (so sums weigh stacks by CPU time,
 *       as a CPU-clock profiler does, even on a loaded machine), FRAMES
 *       root first, ';'-separated, an entry frame prefixed with '*'
 *       (FRAMES is "-" when empty).
 *
 * Unit tests: line-table decoding checked against each installed Python's
 * own answer (co_lines / dis.findlinestarts), eval-symbol matching,
 * detection errors, and walks over garbage memory that must never crash.
 */
#include "check.h"
#include "../../bpf/pystack.h"

#include "../../common/error.h"
#include "../../unwind/python/pyint.h"
#include "../../unwind/python/python.h"

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static const char *const versions[] = {"3.8.18", "3.9.18", "3.10.13",
				       "3.11.7", "3.12.1", "3.13.0"};

/* ---- driver ---- */

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* CPU time of a thread in ns (first field of schedstat), 0 if unknown. */
static uint64_t thread_cpu_ns(pid_t pid, pid_t tid)
{
	char path[96];
	unsigned long long ns = 0;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%d/task/%d/schedstat", (int)pid,
		 (int)tid);
	f = fopen(path, "r");
	if (f) {
		if (fscanf(f, "%llu", &ns) != 1)
			ns = 0;
		fclose(f);
	}
	return ns;
}

/* Microseconds of CPU thread tid used since the previous call for it. */
static uint64_t cpu_delta_us(pid_t pid, pid_t tid)
{
	static struct { pid_t tid; uint64_t ns; } last[256];
	uint64_t now_ns = thread_cpu_ns(pid, tid), d = 0;
	size_t i = (unsigned)tid % 256;

	if (last[i].tid == tid && now_ns >= last[i].ns)
		d = (now_ns - last[i].ns) / 1000;
	last[i].tid = tid;
	last[i].ns = now_ns;
	return d;
}

static void print_sample(pid_t tid, int rc, uint64_t cpu_us,
			 const struct pyframe *f, size_t n)
{
	printf("S %d %d %llu ", (int)tid, rc, (unsigned long long)cpu_us);
	if (!n)
		fputs("-", stdout);
	for (size_t i = n; i-- > 0;)
		printf("%s%s%s", f[i].entry ? "*" : "", f[i].name,
		       i ? ";" : "");
	putchar('\n');
}

static void sample_threads(struct pywalker *w, pid_t pid, int lines)
{
	static struct pyframe frames[256];
	char path[64];
	struct dirent *d;
	DIR *dir;

	snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
	dir = opendir(path);
	if (!dir)
		return;
	while ((d = readdir(dir))) {
		pid_t tid = atoi(d->d_name);
		size_t n = 0;
		int rc;

		if (tid <= 0)
			continue;
		rc = pywalker_stack(w, tid, lines, frames, 256, &n);
		print_sample(tid, rc, cpu_delta_us(pid, tid), frames, n);
	}
	closedir(dir);
}

static int drive(int argc, char **argv)
{
	unsigned flags = 0;
	struct pywalker *w;
	int lines = 0, err;
	pid_t pid;
	double end;

	if (argc < 4)
		return 2;
	pid = atoi(argv[2]);
	for (int i = 4; i < argc; i++) {
		flags |= !strcmp(argv[i], "--no-dwarf") ? PYWALKER_NO_DWARF : 0;
		flags |= !strcmp(argv[i], "--no-debug-offsets") ?
				 PYWALKER_NO_DEBUG_OFFSETS : 0;
		lines |= !strcmp(argv[i], "--lines");
	}
	err = pywalker_new_flags(pid, flags, &w);
	if (err) {
		printf("error %s\n", flamer_strerror(err));
		return 1;
	}
	end = now() + atof(argv[3]);
	printf("version %s\nsource %s\nbinary %s\n", pywalker_version(w),
	       pywalker_layout_source(w), pywalker_binary(w));
	while (now() < end) {
		sample_threads(w, pid, lines);
		usleep(2000);
	}
	pywalker_free(w);
	return 0;
}

/* ---- line tables against Python's own answer ---- */

static const char line_script[] =
	"import sys, dis\n"
	"src = '''\n"
	"def f(a, b):\n"
	"    x = a + b\n"
	"\n"
	"    for i in range(3):\n"
	"        x += i\n"
	"        if x > 10:\n"
	"            x = (a +\n"
	"                 b)\n"
	"    try:\n"
	"        y = [i for i in range(x)]\n"
	"    except Exception:\n"
	"        y = None\n"
	"    return x, y\n"
	"'''\n"
	"ns = {}\n"
	"exec(compile(src + '\\n' * 300 + 'def g(): return 1\\n', 'm', 'exec'), ns)\n"
	"for fn in (ns['f'], ns['g']):\n"
	"    co = fn.__code__\n"
	"    tab = co.co_linetable if sys.version_info >= (3, 10) else co.co_lnotab\n"
	"    print(sys.version_info[1], co.co_firstlineno, tab.hex() or '-')\n"
	"    n = len(co.co_code)\n"
	"    want = {}\n"
	"    if sys.version_info >= (3, 10):\n"
	"        for s, e, l in co.co_lines():\n"
	"            for o in range(s, e, 2): want[o] = -1 if l is None else l\n"
	"    else:\n"
	"        starts = dict(dis.findlinestarts(co)); cur = co.co_firstlineno\n"
	"        for o in range(0, n, 2):\n"
	"            cur = starts.get(o, cur); want[o] = cur\n"
	"    print(' '.join('%d:%d' % kv for kv in sorted(want.items())))\n";

static size_t unhex(const char *s, unsigned char *out, size_t cap)
{
	size_t n = 0;

	while (s[0] && s[1] && n < cap && s[0] != '-') {
		unsigned v;
		if (sscanf(s, "%2x", &v) != 1)
			break;
		out[n++] = (unsigned char)v;
		s += 2;
	}
	return n;
}

static void check_lines_of(const char *version)
{
	char cmd[512], head[8192], body[65536];
	static unsigned char tab[4096];
	FILE *p;

	snprintf(cmd, sizeof cmd,
		 "/root/.pyenv/versions/%s/bin/python3 -c \"$PY_LINE_SCRIPT\"",
		 version);
	p = popen(cmd, "r");
	CHECK(p != NULL);
	if (!p)
		return;
	while (fgets(head, sizeof head, p) && fgets(body, sizeof body, p)) {
		int minor, first, bad = 0, count = 0;
		char hex[8192];
		if (sscanf(head, "%d %d %8191s", &minor, &first, hex) != 3)
			break;
		size_t len = unhex(hex, tab, sizeof tab);
		for (char *s = strtok(body, " \n"); s; s = strtok(NULL, " \n")) {
			long off;
			int want;
			if (sscanf(s, "%ld:%d", &off, &want) != 2)
				continue;
			count++;
			if (py_line_of(minor, tab, len, first, off) != want) {
				bad++;
				fprintf(stderr, "%s: offset %ld: line %d, want %d\n",
					version, off,
					py_line_of(minor, tab, len, first, off), want);
			}
		}
		CHECK(count >= 2);
		CHECK(bad == 0);
	}
	pclose(p);
}

static void test_line_tables(void)
{
	int tested = 0;

	setenv("PY_LINE_SCRIPT", line_script, 1);
	for (size_t i = 0; i < sizeof versions / sizeof *versions; i++) {
		char path[256];
		snprintf(path, sizeof path, "/root/.pyenv/versions/%s/bin/python3",
			 versions[i]);
		if (access(path, X_OK) != 0) {
			fprintf(stderr, "not installed: %s\n", path);
			continue;
		}
		check_lines_of(versions[i]);
		tested++;
	}
	CHECK(tested > 0);
}

static void test_malformed_line_tables(void)
{
	unsigned char t[64];

	/* Truncated long-form entry, no header bit, empty table. */
	t[0] = 0x80 | (14 << 3);
	t[1] = 0x40 | 5; /* varint continues past the end */
	CHECK(py_line_of(11, t, 2, 10, 0) == -1);
	t[0] = 0x05;
	CHECK(py_line_of(12, t, 1, 10, 0) == -1);
	CHECK(py_line_of(11, t, 0, 10, 0) == -1);
	CHECK(py_line_of(11, NULL, 0, 10, 4) == 10);
	CHECK(py_line_of(8, t, 1, 10, 100) == 10);
	/* Huge varint deltas never overflow. */
	for (int i = 0; i < 64; i++)
		t[i] = i % 8 == 0 ? 0x80 | (13 << 3) : 0x7f;
	CHECK(py_line_of(13, t, 64, 1, 1000) == -1);
}

/* ---- small contracts ---- */

static void test_eval_symbol(void)
{
	CHECK(pywalker_is_eval_symbol("_PyEval_EvalFrameDefault"));
	CHECK(pywalker_is_eval_symbol("_PyEval_EvalFrameDefault.cold"));
	CHECK(!pywalker_is_eval_symbol("_PyEval_EvalFrameDefaultX"));
	CHECK(!pywalker_is_eval_symbol("PyEval_EvalCode"));
	CHECK(!pywalker_is_eval_symbol(NULL));
}

static void test_detect_errors(void)
{
	struct pywalker *w = (struct pywalker *)1;

	/* This test binary is not Python. */
	CHECK(pywalker_new(getpid(), &w) == -FE_UNSUPPORTED);
	CHECK(w == (struct pywalker *)1);
	CHECK(pywalker_new(999999999, &w) == -FE_NO_TARGET);
	pywalker_free(NULL);
}

/* ---- garbage memory ---- */

static uint64_t rng_state = 88172645463325252ULL;

static uint64_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

/* Fills buf with a mix of pointers into buf (aligned or not), small
 * integers, our own tid, string-like state words and random bytes. */
static void fill_garbage(uint64_t *buf, size_t words, pid_t tid)
{
	uint64_t base = (uint64_t)(uintptr_t)buf;

	for (size_t i = 0; i < words; i++) {
		uint64_t r = rnd();
		switch (r % 8) {
		case 0: case 1: case 2:
			buf[i] = base + (rnd() % words) * 8;
			break;
		case 3:
			buf[i] = base + rnd() % (words * 8);
			break;
		case 4:
			buf[i] = (uint64_t)tid;
			break;
		case 5:
			buf[i] = rnd() % 2 ? 0x64 : 0xa8; /* compact str states */
			break;
		case 6:
			buf[i] = 0;
			break;
		default:
			buf[i] = rnd();
		}
	}
}

static void test_garbage_walks(void)
{
	enum { WORDS = 1 << 14 };
	uint64_t *buf = malloc(WORDS * sizeof *buf);
	struct pyframe frames[64];
	pid_t tid = gettid();
	int errors = 0, frames_seen = 0;

	CHECK(buf != NULL);
	if (!buf)
		return;
	for (int round = 0; round < 300; round++) {
		int minor = PY_MIN_MINOR + round % (PY_MAX_MINOR - PY_MIN_MINOR + 1);
		struct pywalker *w = NULL;

		fill_garbage(buf, WORDS, tid);
		CHECK(pywalker_new_fake(getpid(), minor,
					(uint64_t)(uintptr_t)(buf + rnd() % 64),
					&w) == 0);
		for (int k = 0; w && k < 20; k++) {
			size_t n = 99;
			int with_lines = k & 1;
			int rc = pywalker_stack(w, k < 10 ? tid : (pid_t)(rnd() % 100),
						with_lines, frames, 64, &n);
			CHECK(rc <= 0);
			CHECK(n <= 64);
			errors += rc < 0;
			for (size_t i = 0; i < n && i < 64; i++) {
				CHECK(frames[i].name && strlen(frames[i].name) < 8192);
				CHECK(!strchr(frames[i].name, ';'));
				CHECK(!strchr(frames[i].name, '\n'));
			}
			frames_seen += (int)n;
		}
		pywalker_free(w);
	}
	/* Unmapped and kernel addresses as _PyRuntime. */
	uint64_t bad[] = {0, 8, 0xdead0000, 0xffffffffff600000ULL, 1ULL << 47};
	for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
		struct pywalker *w = NULL;
		size_t n = 5;
		CHECK(pywalker_new_fake(getpid(), 11, bad[i], &w) == 0);
		if (w)
			CHECK(pywalker_stack(w, tid, 1, frames, 64, &n) ==
				      -FE_BAD_MEMORY && n == 0);
		pywalker_free(w);
	}
	fprintf(stderr, "garbage: %d errors, %d frames named\n", errors,
		frames_seen);
	CHECK(errors > 0);
	free(buf);
}

/* Builds, in buf, a consistent fake CPython 3.minor runtime (per the
 * built-in layout) whose one thread state belongs to tid and runs a chain
 * of nframes frames of the code object "fn" from "file.py".  Returns the
 * address of the fake _PyRuntime. */
static uint64_t build_fake(unsigned char *buf, size_t size, int minor,
			   pid_t tid, int nframes)
{
	const struct pylayout *l = pylayout_builtin(minor);
	uint64_t base = (uint64_t)(uintptr_t)buf;
	enum { RT = 0, IS = 1024, TS = 2048, CF = 3072, PT = 4096,
	       CO = 8192, S1 = 9216, S2 = 10240, BY = 11264, FR = 12288 };
#define PUT64(at, v) do { uint64_t v_ = (v); memcpy(buf + (at), &v_, 8); } while (0)
#define PUT32(at, v) do { int32_t v_ = (v); memcpy(buf + (at), &v_, 4); } while (0)

	memset(buf, 0, size);
	PUT64(RT + l->rt_interp_head, base + IS);
	PUT64(IS + l->is_threads_head, base + TS);
	if (l->ts_native_thread_id >= 0)
		PUT64(TS + l->ts_native_thread_id, (uint64_t)tid);
	PUT64(TS + l->ts_thread_id, base + PT);
	PUT32(PT + 720, tid); /* where glibc keeps the tid */
	if (l->ts_cframe >= 0 && minor >= 11)
		PUT64(TS + l->ts_cframe, base + CF);
	if (l->cf_current_frame >= 0)
		PUT64(CF + l->cf_current_frame, base + FR);
	if (l->ts_frame >= 0)
		PUT64(TS + l->ts_frame, base + FR);
	for (int i = 0; i < nframes; i++) {
		size_t f = FR + (size_t)i * 256;
		PUT64(f + l->fr_code, base + CO);
		PUT64(f + l->fr_previous, i + 1 < nframes ? base + f + 256 : 0);
		if (minor <= 10)
			PUT64(f, 1); /* ob_refcnt: a live frame object */
		if (minor <= 10)
			PUT32(f + l->fr_instr, 2);
		else
			PUT64(f + l->fr_instr, base + CO + l->co_code_adaptive + 2);
	}
	PUT64(CO + l->co_filename, base + S1);
	PUT64(CO + l->co_name, base + S2);
	if (l->co_qualname >= 0)
		PUT64(CO + l->co_qualname, base + S2);
	PUT32(CO + l->co_firstlineno, 10);
	PUT64(CO + l->co_linetable, base + BY);
	PUT64(S1 + l->str_length, 7);
	PUT32(S1 + l->str_state, 0x64); /* compact, ascii, 1 byte */
	memcpy(buf + S1 + l->str_ascii_size, "file.py", 7);
	PUT64(S2 + l->str_length, 2);
	PUT32(S2 + l->str_state, 0x64);
	memcpy(buf + S2 + l->str_ascii_size, "fn", 2);
	PUT64(BY + 16, 4);
	/* Line 12 from offset 2 on: lnotab / 3.10 table / location table. */
	if (minor <= 9)
		memcpy(buf + BY + 32, "\x02\x02", 2);
	else if (minor == 10)
		memcpy(buf + BY + 32, "\x02\x00\x04\x02", 4);
	else
		memcpy(buf + BY + 32, "\xe8\x00\xe8\x04", 4);
#undef PUT64
#undef PUT32
	return base + RT;
}

/* A consistent fake runtime walks to the expected frames for every
 * layout; then random corruption of it never crashes the walker. */
static void test_fake_runtime(void)
{
	enum { SIZE = 1 << 15 };
	unsigned char *buf = malloc(SIZE);
	struct pyframe frames[16];
	pid_t tid = gettid();

	CHECK(buf != NULL);
	for (int minor = PY_MIN_MINOR; buf && minor <= PY_MAX_MINOR; minor++) {
		struct pywalker *w = NULL;
		uint64_t rt = build_fake(buf, SIZE, minor, tid, 5);
		size_t n = 0;

		CHECK(pywalker_new_fake(getpid(), minor, rt, &w) == 0);
		if (!w)
			continue;
		CHECK(pywalker_stack(w, tid, 0, frames, 16, &n) == 0);
		CHECK(n == 5);
		for (size_t i = 0; i < n; i++)
			CHECK_STR(frames[i].name, "fn (file.py)");
		CHECK(n == 5 && frames[4].entry == 1);
		CHECK(n == 5 && frames[0].entry == (minor <= 10));
		CHECK(pywalker_stack(w, tid, 1, frames, 16, &n) == 0 && n == 5);
		CHECK(n && frames[0].name && !strcmp(frames[0].name, "fn (file.py:12)"));
		CHECK(pywalker_stack(w, tid, 0, frames, 3, &n) == 0 && n == 3);
		CHECK(pywalker_stack(w, tid + 1, 0, frames, 16, &n) == 0 && n == 0);
		/* A cycle in the frame chain ends with an error, not a hang. */
		build_fake(buf, SIZE, minor, tid, 3);
		uint64_t loop = (uint64_t)(uintptr_t)buf + 12288;
		memcpy(buf + 12288 + 2 * 256 + pylayout_builtin(minor)->fr_previous,
		       &loop, 8);
		CHECK(pywalker_stack(w, tid, 0, frames, 2, &n) == 0 && n == 2);
		struct pyframe *many = calloc(8192, sizeof *many);
		CHECK(many && pywalker_stack(w, tid, 0, many, 8192, &n) ==
			      -FE_BAD_MEMORY);
		/* The frames read before the cycle was seen are kept. */
		CHECK(n >= 3 && n < 64);
		free(many);
		/* 3.8-3.10: a frame object freed under the reader (reference
		 * count 0: its f_back is the free list's) ends the walk; the
		 * frames below it stand */
		if (minor <= 10) {
			build_fake(buf, SIZE, minor, tid, 5);
			memset(buf + 12288 + 2 * 256, 0, 8);
			CHECK(pywalker_stack(w, tid, 0, frames, 16, &n) ==
				      -FE_BAD_MEMORY && n == 2);
		}
		for (int round = 0; round < 400; round++) {
			build_fake(buf, SIZE, minor, tid, 4);
			for (int k = 1 + (int)(rnd() % 12); k > 0; k--)
				buf[rnd() % 13312] ^= (unsigned char)(1u << (rnd() % 8));
			int rc = pywalker_stack(w, tid, round & 1, frames, 16, &n);
			CHECK(rc <= 0 && n <= 16);
			for (size_t i = 0; i < n; i++)
				CHECK(frames[i].name && !strchr(frames[i].name, ';'));
		}
		pywalker_free(w);
	}
	free(buf);
}

/* Frames read at the sample (by BPF) named later: the code object's
 * identity at the sample must still hold, else the frame is [invalid] in
 * place; the identity never leaks into the next live walk. */
static void test_name_raw(void)
{
	enum { SIZE = 1 << 15 };
	unsigned char *buf = malloc(SIZE);
	struct pyframe frames[16];
	pid_t tid = gettid();

	CHECK(buf != NULL);
	for (int minor = PY_MIN_MINOR; buf && minor <= PY_MAX_MINOR; minor++) {
		const struct pylayout *l = pylayout_builtin(minor);
		uint64_t base = (uint64_t)(uintptr_t)buf, co = base + 8192;
		uint64_t rt = build_fake(buf, SIZE, minor, tid, 5);
		struct pybpf_proc c;
		struct pyrawframe raw[3] = {
			{ co, 2, base + 9216, base + 10240 },
			{ co, 2, base + 9216, base + 10240 + 8 }, /* name moved */
			{ co | 1, 2, base + 9216, base + 10240 },
		};
		struct pywalker *w = NULL;
		size_t n = 0;

		if (minor >= 11)
			raw[0].instr = raw[1].instr = raw[2].instr =
				co + (uint64_t)l->co_code_adaptive + 2;
		CHECK(pywalker_new_fake(getpid(), minor, rt, &w) == 0);
		if (!w)
			continue;
		pywalker_bpf_proc(w, &c);
		CHECK(c.runtime == rt && c.minor == (uint32_t)minor);
		CHECK(c.fr_code == l->fr_code && c.co_filename == l->co_filename);
		CHECK(c.co_name == (l->co_qualname >= 0 ? l->co_qualname : l->co_name));
		CHECK(pywalker_name_raw(w, raw, 3, 1, 1, frames, &n) ==
			      -FE_BAD_MEMORY && n == 3);
		CHECK(n == 3 && !strcmp(frames[0].name, "fn (file.py:12)"));
		CHECK(n == 3 && !strcmp(frames[1].name, PYWALKER_UNNAMED));
		CHECK(n == 3 && !strcmp(frames[2].name, "fn (file.py:12)"));
		CHECK(n == 3 && frames[2].entry == 1 && frames[1].entry == (minor <= 10));
		CHECK(pywalker_name_raw(w, raw, 1, 0, 0, frames, &n) == 0 && n == 1);
		/* the live walk after it has no identity to check against */
		CHECK(pywalker_stack(w, tid, 0, frames, 16, &n) == 0 && n == 5);
		for (size_t i = 0; i < n; i++)
			CHECK_STR(frames[i].name, "fn (file.py)");
		pywalker_free(w);
	}
	free(buf);
}

#define TESTS(X)                                                            \
	X(test_name_raw)                                                    \
	X(test_eval_symbol)                                                 \
	X(test_malformed_line_tables)                                       \
	X(test_line_tables)                                                 \
	X(test_detect_errors)                                               \
	X(test_garbage_walks)                                                \
	X(test_fake_runtime)

static int run_units(void)
{
	TESTS(CHECK_RUN_)
	printf("%d passed, %d failed\n", check_passed, check_failed);
	return check_failed ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "--walk"))
		return drive(argc, argv);
	return run_units();
}
