/* What a module's call-frame information says about an address: where
 * its function starts (.eh_frame_hdr) and whether its frame is the
 * stack's outermost.  Used by the unwinder (is a walk whole; does a
 * return address follow a call of the frame below) and by the symbols
 * (the entry function of a stripped executable). */
#include "addrspaceP.h"
#include "ehhdr.h"

#include <elfutils/libdw.h>
#include <stdlib.h>
#include <string.h>

/* The first address of the function holding pc: the start of its FDE,
 * from the module's .eh_frame_hdr search table (beam.smp's internal
 * functions have no symbol but have CFI; libdw's dwarf_frame_info gives
 * only the range of one CFI row), or 0. */
uint64_t addrspace_fde_start(struct addrspace *as, uint64_t pc)
{
	Dwfl_Module *mod = dwfl_addrmodule(as->dwfl, pc);
	Elf_Scn *scn = NULL;
	GElf_Addr bias;
	size_t shstrndx;
	Elf *elf;

	if (!mod || !(elf = dwfl_module_getelf(mod, &bias)) ||
	    elf_getshdrstrndx(elf, &shstrndx) != 0)
		return 0;
	while ((scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;
		const char *name;
		Elf_Data *d;
		uint64_t r;

		if (!gelf_getshdr(scn, &sh) ||
		    !(name = elf_strptr(elf, shstrndx, sh.sh_name)) ||
		    strcmp(name, ".eh_frame_hdr") != 0)
			continue;
		d = elf_getdata(scn, NULL);
		if (!d || !d->d_buf)
			return 0;
		r = ehhdr_lookup(d->d_buf, d->d_size, sh.sh_addr, pc - bias);
		return r ? r + bias : 0;
	}
	return 0;
}

/* Whether the CFI at pc says its frame is the outermost (the return
 * address "undefined": _start, clone3), so a walk that ended there ended
 * for a reason other than a word read as 0. */
int addrspace_cfi_outermost(struct addrspace *as, uint64_t pc)
{
	Dwfl_Module *mod = dwfl_addrmodule(as->dwfl, pc);
	Dwarf_Op mem[3], *ops;
	Dwarf_CFI *cfi;
	Dwarf_Frame *fr;
	Dwarf_Addr bias;
	size_t nops;
	int end = 0;

	if (!mod)
		return 0;
	cfi = dwfl_module_eh_cfi(mod, &bias);
	if (!cfi)
		cfi = dwfl_module_dwarf_cfi(mod, &bias);
	if (!cfi || dwarf_cfi_addrframe(cfi, pc - bias, &fr) != 0)
		return 0;
	if (dwarf_frame_register(fr, 16, mem, &ops, &nops) == 0)
		end = nops == 0 && ops == mem;
	free(fr);
	return end;
}
