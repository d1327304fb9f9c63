/* Unit tests for unwind/ehhdr.c: function starts from .eh_frame_hdr, on
 * made-up tables (bounds, malformed sections) and on this test binary's
 * own section against its symbol table. */
#include "check.h"

#include "../../unwind/ehhdr.h"

#include <fcntl.h>
#include <gelf.h>
#include <stdint.h>
#include <unistd.h>

/* hdr: version 1, eh_frame_ptr pcrel sdata4, udata4 count, datarel sdata4
 * table of n (loc, fde) pairs at offset 12 */
static size_t make(unsigned char *b, const int32_t *locs, uint32_t n)
{
	int32_t zero = 0;

	b[0] = 1;
	b[1] = 0x1b;
	b[2] = 0x03;
	b[3] = 0x3b;
	memcpy(b + 4, &zero, 4);
	memcpy(b + 8, &n, 4);
	for (uint32_t i = 0; i < n; i++) {
		memcpy(b + 12 + 8 * i, &locs[i], 4);
		memcpy(b + 16 + 8 * i, &zero, 4);
	}
	return 12 + 8 * (size_t)n;
}

static void test_lookup_in_a_table(void)
{
	/* the section at 0x10000; FDEs start at 0x1000, 0x1100, 0x1200
	 * (locs are relative to the section) */
	const int32_t locs[] = { 0x1000 - 0x10000, 0x1100 - 0x10000,
				 0x1200 - 0x10000 };
	unsigned char b[64];
	size_t len = make(b, locs, 3);

	CHECK(ehhdr_lookup(b, len, 0x10000, 0x0fff) == 0);
	CHECK(ehhdr_lookup(b, len, 0x10000, 0x1000) == 0x1000);
	CHECK(ehhdr_lookup(b, len, 0x10000, 0x10ff) == 0x1000);
	CHECK(ehhdr_lookup(b, len, 0x10000, 0x1100) == 0x1100);
	CHECK(ehhdr_lookup(b, len, 0x10000, 0x1234) == 0x1200);
	CHECK(ehhdr_lookup(b, len, 0x10000, 0x999999) == 0x1200);
	len = make(b, locs, 1);
	CHECK(ehhdr_lookup(b, len, 0x10000, 0x5000) == 0x1000);
}

static void test_malformed_sections_give_nothing(void)
{
	const int32_t locs[] = { 0x100, 0x200 };
	unsigned char b[64];
	size_t len = make(b, locs, 2);
	uint32_t big = 1000;

	CHECK(ehhdr_lookup(b, len, 0, 0x150) == 0x100);
	CHECK(ehhdr_lookup(b, 3, 0, 0x150) == 0);       /* short */
	CHECK(ehhdr_lookup(b, len - 1, 0, 0x150) == 0); /* table cut */
	b[0] = 2;                                        /* version */
	CHECK(ehhdr_lookup(b, len, 0, 0x150) == 0);
	b[0] = 1;
	b[3] = 0x1b;                                     /* table encoding */
	CHECK(ehhdr_lookup(b, len, 0, 0x150) == 0);
	b[3] = 0x3b;
	memcpy(b + 8, &big, 4);                          /* count > table */
	CHECK(ehhdr_lookup(b, len, 0, 0x150) == 0);
	big = 0;
	memcpy(b + 8, &big, 4);                          /* empty */
	CHECK(ehhdr_lookup(b, len, 0, 0x150) == 0);
	b[1] = 0x1f;                                     /* pointer encoding */
	CHECK(ehhdr_lookup(b, len, 0, 0x150) == 0);
}

/* every function of this binary with a size: its start is found from
 * its first byte and its last one */
static void test_own_functions_from_their_fde(void)
{
	int fd = open("/proc/self/exe", O_RDONLY);
	Elf *elf;
	Elf_Scn *scn = NULL;
	Elf_Data *hdr = NULL, *syms = NULL;
	GElf_Shdr hsh = { 0 }, ssh = { 0 };
	size_t shstrndx, checked = 0;

	CHECK(fd >= 0);
	elf_version(EV_CURRENT);
	elf = elf_begin(fd, ELF_C_READ, NULL);
	CHECK(elf && elf_getshdrstrndx(elf, &shstrndx) == 0);
	while (elf && (scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		const char *name;

		if (!gelf_getshdr(scn, &sh))
			continue;
		name = elf_strptr(elf, shstrndx, sh.sh_name);
		if (name && !strcmp(name, ".eh_frame_hdr")) {
			hdr = elf_getdata(scn, NULL);
			hsh = sh;
		} else if (sh.sh_type == SHT_SYMTAB) {
			syms = elf_getdata(scn, NULL);
			ssh = sh;
		}
	}
	CHECK(hdr != NULL && syms != NULL);
	for (size_t i = 0; hdr && syms && i < ssh.sh_size / ssh.sh_entsize; i++) {
		GElf_Sym s;

		if (!gelf_getsym(syms, (int)i, &s) ||
		    GELF_ST_TYPE(s.st_info) != STT_FUNC || s.st_size < 2 ||
		    s.st_shndx == SHN_UNDEF)
			continue;
		CHECK(ehhdr_lookup(hdr->d_buf, hdr->d_size, hsh.sh_addr,
				   s.st_value) == s.st_value);
		CHECK(ehhdr_lookup(hdr->d_buf, hdr->d_size, hsh.sh_addr,
				   s.st_value + s.st_size - 1) == s.st_value);
		checked++;
	}
	CHECK(checked > 50);
	if (elf)
		elf_end(elf);
	if (fd >= 0)
		close(fd);
}

#define TESTS(X)                                                            \
	X(test_lookup_in_a_table)                                           \
	X(test_malformed_sections_give_nothing)                             \
	X(test_own_functions_from_their_fde)

CHECK_MAIN(TESTS)
