/* Unit tests for the recorder's frame table (profiler/frames.c) and what it
 * stands on: kernel symbol table, mapping bookkeeping, symbolisation of this
 * very process, build-ids. */
#include "check.h"

#include "../../profiler/frames.h"
#include "../../profiler/sink.h"
#include "../../recording/recwriter.h"
#include "../../unwind/addrspace.h"
#include "../../unwind/buildid.h"
#include "../../unwind/kallsyms.h"

#include <fcntl.h>
#include <gelf.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

static void test_kallsyms(void)
{
	static const char text[] =
		"ffffffff81000000 T _stext\n"
		"ffffffff81000100 t helper\t[mod]\n"
		"ffffffff81000200 D some_data\n"
		"ffffffff81000300 W weak_fn\n"
		"garbage line\n"
		"0000000000000000 T hidden\n"
		"ffffffff81000400 T last\n";
	FILE *f = fmemopen((void *)text, sizeof text - 1, "r");
	int err = 0;
	struct kallsyms *k = kallsyms_load_stream(f, &err);
	uint64_t off = 0;

	CHECK(k != NULL);
	CHECK(kallsyms_count(k) == 4);
	CHECK_STR(kallsyms_lookup(k, 0xffffffff81000105ull, &off), "helper");
	CHECK(off == 5);
	/* data symbols are not functions: the text symbol before wins */
	CHECK_STR(kallsyms_lookup(k, 0xffffffff81000250ull, NULL), "helper");
	CHECK_STR(kallsyms_lookup(k, 0xffffffff81000300ull, NULL), "weak_fn");
	CHECK(kallsyms_lookup(k, 0xffffffff80000000ull, NULL) == NULL);
	CHECK(kallsyms_lookup(k, 0xffffffff81000400ull + (2u << 20), NULL) == NULL);
	kallsyms_free(k);
	fclose(f);
}

static void test_maps(void)
{
	struct addrspace *as = addrspace_new(getpid());
	struct symbol sym;

	CHECK(addrspace_add_map(as, 1, 0x1000, 0x3000, 0, PROT_READ | PROT_EXEC,
				"/lib/a.so") == 0);
	CHECK(addrspace_add_map(as, 1, 0x10000, 0x1000, 0, PROT_READ, "/lib/b.so") == 0);
	CHECK(addrspace_nmaps(as) == 2);
	/* an anonymous mapping punches a hole into a.so: 3 pieces remain */
	CHECK(addrspace_add_map(as, 1, 0x2000, 0x1000, 0, PROT_READ, NULL) == 0);
	CHECK(addrspace_nmaps(as) == 3);
	/* replacing all of b.so */
	CHECK(addrspace_add_map(as, 1, 0xf000, 0x3000, 0, PROT_READ, "/lib/c.so") == 0);
	CHECK(addrspace_nmaps(as) == 3);
	/* unknown code in a mapping without an ELF file: "[c.so]" */
	CHECK(addrspace_symbolize(as, 0x10010, &sym) == 0);
	CHECK_STR(sym.name, "[c.so]");
	CHECK(sym.kind == FK_UNKNOWN);
	addrspace_set_flags(as, ADDRSPACE_UNKNOWN_OFFSETS);
	CHECK(addrspace_symbolize(as, 0x10010, &sym) == 0);
	CHECK_STR(sym.name, "c.so+0x1010");
	CHECK(addrspace_symbolize(as, 0x900000, &sym) == 0);
	CHECK_STR(sym.name, "[unknown]");
	/* exec at time 5: maps from before go, later ones stay, and a record
	 * of the old image read late is ignored */
	CHECK(addrspace_add_map(as, 7, 0x40000, 0x1000, 0, PROT_EXEC,
				"/new/ld.so") == 0);
	addrspace_exec(as, 5);
	CHECK(addrspace_nmaps(as) == 1);
	CHECK(addrspace_covers(as, 0x40010) && !addrspace_covers(as, 0x10010));
	CHECK(addrspace_add_map(as, 3, 0x50000, 0x1000, 0, PROT_EXEC,
				"/old/lib.so") == 0);
	CHECK(!addrspace_covers(as, 0x50010));
	addrspace_clear(as);
	CHECK(addrspace_nmaps(as) == 0);
	addrspace_free(as);
}

/* A function of this test binary, to be found by name. */
__attribute__((noinline)) int flamer_test_marker(int x)
{
	return x * 3 + 1;
}

static void test_symbolize_self(void)
{
	struct addrspace *as = addrspace_new(getpid());
	struct symbol sym;
	uint64_t addr = (uint64_t)(uintptr_t)&flamer_test_marker;

	CHECK(addrspace_load_proc_maps(as, 0) == 0);
	CHECK(addrspace_nmaps(as) > 0);
	CHECK(addrspace_symbolize(as, addr + 1, &sym) == 0);
	CHECK_STR(sym.name, "flamer_test_marker");
	CHECK(sym.kind == FK_NATIVE);
	CHECK_STR(sym.module, "test_frames");
	addrspace_free(as);
}

/* A stripped executable's start routine has no symbol: the function at
 * the ELF entry point whose CFI says it has no caller is named _start
 * (a sample there, at a new image's first page fault, is a whole stack);
 * the unnamed code after it stays [module].  Debian's gzip is stripped. */
static void test_stripped_entry(void)
{
	const char *path = "/usr/bin/gzip";
	const uint64_t base = 0x500000000000ull;
	struct addrspace *as;
	struct symbol sym;
	GElf_Ehdr eh;
	size_t nph = 0;
	Elf *elf;
	int fd = open(path, O_RDONLY);

	if (fd < 0) {
		fprintf(stderr, "   (skipped: no %s)\n", path);
		return;
	}
	elf_version(EV_CURRENT);
	elf = elf_begin(fd, ELF_C_READ, NULL);
	CHECK(elf && gelf_getehdr(elf, &eh) && elf_getphdrnum(elf, &nph) == 0);
	as = addrspace_new(getpid());
	for (size_t i = 0; elf && i < nph; i++) {
		GElf_Phdr ph;
		uint64_t lo, hi;

		if (!gelf_getphdr(elf, (int)i, &ph) || ph.p_type != PT_LOAD)
			continue;
		lo = ph.p_vaddr & ~0xfffull;
		hi = (ph.p_vaddr + ph.p_filesz + 0xfff) & ~0xfffull;
		CHECK(addrspace_add_map(as, 1, base + lo, hi - lo,
					ph.p_offset & ~0xfffull,
					(ph.p_flags & PF_X) ? PROT_READ | PROT_EXEC
							    : PROT_READ,
					path) == 0);
	}
	CHECK(addrspace_symbolize(as, base + eh.e_entry, &sym) == 0);
	CHECK_STR(sym.name, "_start");
	CHECK(sym.kind == FK_NATIVE);
	CHECK(addrspace_symbolize(as, base + eh.e_entry + 4, &sym) == 0);
	CHECK_STR(sym.name, "_start");
	/* glibc's _start is 0x26 bytes; 0x40 past the entry is the next
	 * (unnamed) function of the program */
	CHECK(addrspace_symbolize(as, base + eh.e_entry + 0x40, &sym) == 0);
	CHECK_STR(sym.name, "[gzip]");
	addrspace_free(as);
	if (elf)
		elf_end(elf);
	close(fd);
}

static void test_buildid(void)
{
	char hex[129];
	unsigned char raw[3] = { 0x0a, 0xbc, 0xff };

	buildid_hex(raw, 3, hex, sizeof hex);
	CHECK_STR(hex, "0abcff");
	buildid_hex(raw, 3, hex, 5);
	CHECK_STR(hex, "0abc");
	CHECK(buildid_read("/proc/self/exe", hex, sizeof hex) == 0);
	CHECK(strlen(hex) == 40);
	CHECK(buildid_read("/nonexistent", hex, sizeof hex) < 0);
}

static void test_frames(void)
{
	char path[] = "/tmp/flamer-frames.XXXXXX";
	int fd = mkstemp(path), err;
	struct recwriter *w = recwriter_new(fd, &err);
	struct frames *f = frames_new(sink_recording(w));
	uint32_t a, b, c, ids[2];
	const uint32_t *got;
	uint32_t n;

	CHECK(frames_id(f, FK_NATIVE, "main", "prog", &a) == 0 && a == 0);
	CHECK(frames_id(f, FK_KERNEL, "main", "prog", &b) == 0 && b == 1);
	CHECK(frames_id(f, FK_NATIVE, "main", "prog", &c) == 0 && c == a);
	CHECK_STR(frames_name(f, 1), "main");
	CHECK(frames_count(f) == 2);
	CHECK(frames_cache_get(f, 7, 0x1234, &got, &n) == 0);
	ids[0] = b;
	ids[1] = a;
	CHECK(frames_cache_put(f, 7, 0x1234, ids, 2) == 0);
	CHECK(frames_cache_get(f, 7, 0x1234, &got, &n) == 1 && n == 2 &&
	      got[0] == b && got[1] == a);
	CHECK(frames_cache_get(f, 8, 0x1234, &got, &n) == 0);
	frames_free(f);
	recwriter_free(w);
	close(fd);
	unlink(path);
}

#define TESTS(X) X(test_kallsyms) X(test_maps) X(test_symbolize_self) \
	X(test_stripped_entry) X(test_buildid) X(test_frames)
CHECK_MAIN(TESTS)
