/* Source lines of one ELF file through an offline libdwfl (srcfile.h). */
#include "srcfile.h"
#include "../common/debuginfo.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <errno.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SRC_MAX 18          /* positions kept per lookup */

struct srcfile {
	Dwfl *dwfl;
	Dwfl_Module *mod;
	char paths[SRC_MAX][1024]; /* absolute file names of the last lookup */
};


static const Dwfl_Callbacks offline_callbacks = {
	.find_elf = dwfl_build_id_find_elf,
	.find_debuginfo = dwfl_standard_find_debuginfo,
	.section_address = dwfl_offline_section_address,
	.debuginfo_path = &fl_debuginfo_path,
};

static int hex_equal(const unsigned char *bits, int len, const char *hex)
{
	char buf[3];

	if (len <= 0 || strlen(hex) != 2 * (size_t)len)
		return 0;
	for (int i = 0; i < len; i++) {
		snprintf(buf, sizeof buf, "%02x", bits[i]);
		if (strncmp(buf, hex + 2 * i, 2))
			return 0;
	}
	return 1;
}

int srcfile_open(const char *path, const char *build_id, struct srcfile **out)
{
	struct srcfile *sf = calloc(1, sizeof *sf);
	const unsigned char *bits;
	GElf_Addr vaddr;
	int err = -ENOENT, len;

	*out = NULL;
	if (!sf)
		return -ENOMEM;
	fl_debuginfo_init();
	sf->dwfl = dwfl_begin(&offline_callbacks);
	if (!sf->dwfl) {
		err = -ENOMEM;
		goto fail;
	}
	dwfl_report_begin(sf->dwfl);
	/* bias 0: module addresses are the file's own (p_vaddr) */
	sf->mod = dwfl_report_elf(sf->dwfl, "m", path, -1, 0, true);
	dwfl_report_end(sf->dwfl, NULL, NULL);
	if (!sf->mod)
		goto fail;
	len = dwfl_module_build_id(sf->mod, &bits, &vaddr);
	if (!hex_equal(bits, len, build_id)) {
		err = -ESTALE;
		goto fail;
	}
	*out = sf;
	return 0;
fail:
	srcfile_free(sf);
	return err;
}

void srcfile_free(struct srcfile *sf)
{
	if (!sf)
		return;
	if (sf->dwfl)
		dwfl_end(sf->dwfl);
	free(sf);
}

/* The module address of file offset off: in the PT_LOAD segment that
 * maps it.  0 or -ENOENT. */
static int offset_to_addr(struct srcfile *sf, uint64_t off, Dwarf_Addr *addr)
{
	Dwarf_Addr bias;
	Elf *elf = dwfl_module_getelf(sf->mod, &bias);
	size_t n;

	if (!elf || elf_getphdrnum(elf, &n) != 0)
		return -ENOENT;
	for (size_t i = 0; i < n; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(elf, (int)i, &ph) || ph.p_type != PT_LOAD ||
		    off < ph.p_offset || off - ph.p_offset >= ph.p_filesz)
			continue;
		*addr = off - ph.p_offset + ph.p_vaddr + bias;
		return 0;
	}
	return -ENOENT;
}

/* file made absolute with dir (its compilation directory) into slot k of
 * sf->paths when it is relative. */
static const char *absolute(struct srcfile *sf, unsigned k, const char *file,
			    const char *dir)
{
	if (!file)
		return "";
	if (file[0] == '/' || !file[0] || !dir || dir[0] != '/' ||
	    (size_t)snprintf(sf->paths[k], sizeof sf->paths[k], "%s/%s", dir,
			     file) >= sizeof sf->paths[k])
		return file;
	return sf->paths[k];
}

/* The source file of index idx in die's compilation unit, made absolute. */
static const char *cu_file(struct srcfile *sf, unsigned k, Dwarf_Die *die,
			   Dwarf_Word idx)
{
	Dwarf_Die cu;
	Dwarf_Files *files;
	Dwarf_Attribute a;
	size_t nfiles;

	if (!dwarf_diecu(die, &cu, NULL, NULL) ||
	    dwarf_getsrcfiles(&cu, &files, &nfiles) != 0 || idx >= nfiles)
		return "";
	return absolute(sf, k, dwarf_filesrc(files, idx, NULL, NULL),
			dwarf_formstring(dwarf_attr(&cu, DW_AT_comp_dir, &a)));
}

/* The inlined subroutines that contain pc below die, outermost first,
 * into chain (at most max; *n counts them).  Returns 1 once the function
 * holding pc was found.  (libdw's dwarf_getscopes does this too, but
 * leaks memory on some of python3.11-dbg's units, elfutils 0.188.) */
static int inline_chain(Dwarf_Die *die, Dwarf_Addr pc, Dwarf_Die *chain,
			unsigned *n, unsigned max, int depth)
{
	Dwarf_Die c;

	if (depth > 64 || dwarf_child(die, &c) != 0)
		return 0;
	do {
		int tag = dwarf_tag(&c);

		switch (tag) {
		case DW_TAG_namespace:
		case DW_TAG_class_type:
		case DW_TAG_structure_type:
		case DW_TAG_union_type:
			/* C++ functions may be defined inside these */
			if (inline_chain(&c, pc, chain, n, max, depth + 1))
				return 1;
			break;
		case DW_TAG_subprogram:
		case DW_TAG_inlined_subroutine:
		case DW_TAG_lexical_block:
			if (dwarf_haspc(&c, pc) != 1)
				break;
			if (tag == DW_TAG_inlined_subroutine && *n < max)
				chain[(*n)++] = c;
			inline_chain(&c, pc, chain, n, max, depth + 1);
			return 1;
		default:
			break;
		}
	} while (dwarf_siblingof(&c, &c) == 0);
	return 0;
}

int srcfile_lines(struct srcfile *sf, uint64_t offset, struct srcpos *pos,
		  unsigned max, unsigned *n)
{
	Dwfl_Line *l;
	Dwarf_Die *cu, chain[SRC_MAX];
	Dwarf_Addr addr, bias;
	const char *file;
	int line = 0;
	unsigned ns = 0;

	*n = 0;
	if (max > SRC_MAX)
		max = SRC_MAX;
	if (!max || offset_to_addr(sf, offset, &addr))
		return 0;
	l = dwfl_module_getsrc(sf->mod, addr);
	file = l ? dwfl_lineinfo(l, NULL, &line, NULL, NULL, NULL) : NULL;
	if (!file)
		return 0;
	pos[(*n)++] = (struct srcpos){ absolute(sf, 0, file,
						dwfl_line_comp_dir(l)),
				       line > 0 ? (uint32_t)line : 0 };
	cu = dwfl_module_addrdie(sf->mod, addr, &bias);
	if (cu)
		inline_chain(cu, addr - bias, chain, &ns, SRC_MAX - 1, 0);
	/* innermost first: each one's call site */
	for (unsigned i = ns; i-- > 0 && *n < max;) {
		Dwarf_Attribute a;
		Dwarf_Word fidx = (Dwarf_Word)-1, ln = 0;

		if (dwarf_formudata(dwarf_attr(&chain[i], DW_AT_call_file, &a),
				    &fidx) != 0)
			fidx = (Dwarf_Word)-1;
		if (dwarf_formudata(dwarf_attr(&chain[i], DW_AT_call_line, &a),
				    &ln) != 0 || ln > UINT32_MAX)
			ln = 0;
		pos[*n] = (struct srcpos){ cu_file(sf, *n, &chain[i], fidx),
					   (uint32_t)ln };
		(*n)++;
	}
	return 0;
}
