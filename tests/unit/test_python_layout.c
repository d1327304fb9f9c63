/* Compares the built-in CPython layout tables (unwind/python/
 * layout_tables.c) with what each installed interpreter's DWARF says, and
 * 3.13's published _Py_DebugOffsets (read from the initialiser of
 * _PyRuntime in libpython's .data) with its DWARF.
 *
 * Interpreters: /root/.pyenv/versions/3.8-3.13 (DWARF in libpython) and
 * Debian's /usr/bin/python3.11 (DWARF from python3.11-dbg).  A version
 * that is not installed is reported and skipped; the test fails when none
 * is installed. */
#include "check.h"

#include "../../common/error.h"
#include "../../unwind/python/pyint.h"

#include <fcntl.h>
#include <gelf.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct interp {
	const char *path;
	int minor;
};

static const struct interp interps[] = {
	{"/root/.pyenv/versions/3.8.18/lib/libpython3.8.so.1.0", 8},
	{"/root/.pyenv/versions/3.9.18/lib/libpython3.9.so.1.0", 9},
	{"/root/.pyenv/versions/3.10.13/lib/libpython3.10.so.1.0", 10},
	{"/root/.pyenv/versions/3.11.7/lib/libpython3.11.so.1.0", 11},
	{"/root/.pyenv/versions/3.12.1/lib/libpython3.12.so.1.0", 12},
	{"/root/.pyenv/versions/3.13.0/lib/libpython3.13.so.1.0", 13},
	{"/usr/bin/python3.11", 11},
};

static int compared;

static void compare(const char *what, const struct pylayout *a,
		    const struct pylayout *b, int only_set_in_b)
{
	struct pylayout x = *a, y = *b;

	for (size_t i = 0; i < py_field_count(); i++) {
		int32_t va = *py_field_at(&x, i), vb = *py_field_at(&y, i);
		if (only_set_in_b && vb < 0)
			continue;
		if (va != vb)
			fprintf(stderr, "%s: %s: %d vs %d\n", what,
				py_field_names[i], va, vb);
		CHECK(va == vb);
	}
}

static void test_tables_match_dwarf(void)
{
	for (size_t i = 0; i < sizeof interps / sizeof *interps; i++) {
		const struct interp *it = &interps[i];
		const struct pylayout *table = pylayout_builtin(it->minor);
		struct pylayout d;
		char *source = NULL;
		int err;

		if (access(it->path, R_OK) != 0) {
			fprintf(stderr, "not installed: %s\n", it->path);
			continue;
		}
		memset(&d, 0xff, sizeof d);
		d.minor = it->minor;
		err = pylayout_from_dwarf(it->path, &d, &source);
		if (err == -FE_NO_DEBUGINFO && !strncmp(it->path, "/usr/", 5)) {
			fprintf(stderr, "no debug info for %s\n", it->path);
			continue;
		}
		fprintf(stderr, "%s: %s\n", it->path, source ? source : "-");
		CHECK(err == 0);
		CHECK(table != NULL);
		CHECK(pylayout_check(&d) == 0);
		if (!err && table) {
			compare(it->path, table, &d, 0);
			compared++;
		}
		free(source);
	}
	CHECK(compared > 0);
}

/* The FACTS.md numbers for 3.11, so a reader that is wrong in the same way
 * as the tables cannot pass. */
static void test_311_known_offsets(void)
{
	const struct pylayout *l = pylayout_builtin(11);

	CHECK(l && l->rt_interp_head == 40 && l->is_threads_head == 16 &&
	      l->ts_cframe == 56 && l->ts_native_thread_id == 160 &&
	      l->fr_code == 32 && l->fr_previous == 48 && l->fr_instr == 56 &&
	      l->fr_owner == 69 && l->fr_is_entry == 68 &&
	      l->co_qualname == 128 && l->co_code_adaptive == 184 &&
	      l->str_ascii_size == 48 && l->str_compact_size == 72);
	CHECK(pylayout_builtin(7) == NULL && pylayout_builtin(14) == NULL);
}

/* Reads PY_DEBUG_OFFSETS_READ bytes of the initialised _PyRuntime. */
static int read_runtime_init(const char *path, unsigned char *buf)
{
	int fd = open(path, O_RDONLY), err = -1;
	Elf *elf;
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;
	GElf_Sym sym;
	uint64_t addr = 0;

	if (fd < 0)
		return -1;
	elf_version(EV_CURRENT);
	elf = elf_begin(fd, ELF_C_READ, NULL);
	while (elf && !addr && (scn = elf_nextscn(elf, scn))) {
		Elf_Data *d = elf_getdata(scn, NULL);
		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_DYNSYM || !d)
			continue;
		for (size_t i = 0; i < sh.sh_size / sh.sh_entsize; i++) {
			const char *n;
			if (gelf_getsym(d, (int)i, &sym) &&
			    (n = elf_strptr(elf, sh.sh_link, sym.st_name)) &&
			    !strcmp(n, "_PyRuntime"))
				addr = sym.st_value;
		}
	}
	scn = NULL;
	while (elf && addr && err && (scn = elf_nextscn(elf, scn))) {
		Elf_Data *d = elf_getdata(scn, NULL);
		if (gelf_getshdr(scn, &sh) && sh.sh_type == SHT_PROGBITS && d &&
		    addr >= sh.sh_addr &&
		    addr + PY_DEBUG_OFFSETS_READ <= sh.sh_addr + d->d_size) {
			memcpy(buf, (char *)d->d_buf + (addr - sh.sh_addr),
			       PY_DEBUG_OFFSETS_READ);
			err = 0;
		}
	}
	if (elf)
		elf_end(elf);
	close(fd);
	return err;
}

static void test_debug_offsets_match_dwarf(void)
{
	const char *path = interps[5].path;
	unsigned char buf[PY_DEBUG_OFFSETS_READ];
	struct pylayout pub, d;
	char *source = NULL;

	if (access(path, R_OK) != 0) {
		fprintf(stderr, "not installed: %s\n", path);
		return;
	}
	CHECK(read_runtime_init(path, buf) == 0);
	CHECK(pylayout_from_debug_offsets(buf, sizeof buf, &pub) == 0);
	memset(&d, 0xff, sizeof d);
	d.minor = 13;
	CHECK(pylayout_from_dwarf(path, &d, &source) == 0);
	compare("_Py_DebugOffsets", &pub, &d, 1);
	/* Wrong cookie or version: refused. */
	buf[0] ^= 1;
	CHECK(pylayout_from_debug_offsets(buf, sizeof buf, &pub) ==
	      -FE_UNSUPPORTED);
	buf[0] ^= 1;
	buf[10] = 0x0e; /* 3.14 */
	CHECK(pylayout_from_debug_offsets(buf, sizeof buf, &pub) ==
	      -FE_UNSUPPORTED);
	free(source);
}

static void test_dwarf_errors(void)
{
	struct pylayout d;
	char *source = NULL;

	memset(&d, 0xff, sizeof d);
	d.minor = 11;
	CHECK(pylayout_from_dwarf("/nonexistent/libpython3.11.so", &d,
				  &source) < 0);
	/* A file with DWARF but no CPython structs. */
	CHECK(pylayout_from_dwarf("/proc/self/exe", &d, &source) ==
	      -FE_NO_DEBUGINFO);
	CHECK(source == NULL);
}

/* pylayout_from_dwarf_once: callers at once on one file, by two paths
 * (direct and through /proc/self/root, as the recorder opens a target's
 * files), make one read and all get what pylayout_from_dwarf gives, with
 * their own path named when the DWARF is in the file itself. */
struct once_call {
	char path[512];
	int minor, err;
	struct pylayout l;
	char *source;
};

static void *once_run(void *arg)
{
	struct once_call *c = arg;

	memset(&c->l, 0xff, sizeof c->l);
	c->l.minor = c->minor;
	c->err = pylayout_from_dwarf_once(c->path, &c->l, &c->source);
	return NULL;
}

static void check_once(const char *path, int minor)
{
	struct once_call calls[6];
	pthread_t th[6];
	struct pylayout d;
	char *source = NULL;
	unsigned long before = pylayout_dwarf_reads();

	memset(&d, 0xff, sizeof d);
	d.minor = minor;
	CHECK(pylayout_from_dwarf(path, &d, &source) == 0);
	CHECK(pylayout_dwarf_reads() == before); /* not through the cache */
	for (int i = 0; i < 6; i++) {
		memset(&calls[i], 0, sizeof calls[i]);
		snprintf(calls[i].path, sizeof calls[i].path, "%s%s",
			 i % 2 ? "/proc/self/root" : "", path);
		calls[i].minor = minor;
		CHECK(pthread_create(&th[i], NULL, once_run, &calls[i]) == 0);
	}
	for (int i = 0; i < 6; i++) {
		char want[8192];

		pthread_join(th[i], NULL);
		CHECK(calls[i].err == 0);
		CHECK(memcmp(&calls[i].l, &d, sizeof d) == 0);
		/* in-file DWARF names the caller's own path; a separate
		 * debug file (Debian's -dbg) is named as found */
		if (!strcmp(source + 6, path))
			snprintf(want, sizeof want, "DWARF %s", calls[i].path);
		else
			snprintf(want, sizeof want, "%s", source);
		if (!calls[i].source || strcmp(calls[i].source, want))
			fprintf(stderr, "%s: source %s, want %s\n", path,
				calls[i].source ? calls[i].source : "(none)",
				want);
		CHECK(calls[i].source && !strcmp(calls[i].source, want));
		free(calls[i].source);
	}
	CHECK(pylayout_dwarf_reads() == before + 1);
	/* a later caller takes the result without reading */
	calls[0].source = NULL;
	once_run(&calls[0]);
	CHECK(calls[0].err == 0 && memcmp(&calls[0].l, &d, sizeof d) == 0);
	CHECK(pylayout_dwarf_reads() == before + 1);
	free(calls[0].source);
	free(source);
	compared++;
}

static void test_dwarf_once(void)
{
	struct pylayout d;
	char *source = NULL;
	unsigned long before;

	compared = 0;
	check_once("/root/.pyenv/versions/3.8.18/lib/libpython3.8.so.1.0", 8);
	if (access("/usr/bin/python3.11", R_OK) == 0 &&
	    access("/usr/lib/debug/.build-id", R_OK) == 0)
		check_once("/usr/bin/python3.11", 11);
	if (access("/root/.pyenv/versions/3.8.18/lib/libpython3.8.so.1.0",
		   R_OK) != 0)
		fprintf(stderr, "not installed: pyenv 3.8.18\n");
	/* an answer that is no layout is kept too */
	before = pylayout_dwarf_reads();
	for (int i = 0; i < 2; i++) {
		memset(&d, 0xff, sizeof d);
		d.minor = 11;
		CHECK(pylayout_from_dwarf_once("/proc/self/exe", &d,
					       &source) == -FE_NO_DEBUGINFO);
		CHECK(source == NULL);
	}
	CHECK(pylayout_dwarf_reads() == before + 1);
	CHECK(pylayout_from_dwarf_once("/nonexistent/libpython3.11.so", &d,
				       &source) < 0);
}

#define TESTS(X)                                                            \
	X(test_311_known_offsets)                                           \
	X(test_tables_match_dwarf)                                          \
	X(test_debug_offsets_match_dwarf)                                   \
	X(test_dwarf_errors)                                                 \
	X(test_dwarf_once)

CHECK_MAIN(TESTS)
