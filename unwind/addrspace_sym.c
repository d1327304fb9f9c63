/* Symbols of an addrspace, through libdwfl. */
#include "addrspaceP.h"
#include "../common/debuginfo.h"
#include "../common/error.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>


/* The C++ ABI's demangler, from libstdc++ (always on a Debian system). */
char *__cxa_demangle(const char *mangled, char *buf, size_t *len, int *status);

/* "_Z3fooi" -> "foo(int)" into buf; returns name unchanged if it is not a
 * mangled C++ name or cannot be demangled. */
static const char *demangle(const char *name, char *buf, size_t len)
{
	int status = 0;
	char *d;

	if (name[0] != '_' || name[1] != 'Z')
		return name;
	d = __cxa_demangle(name, NULL, NULL, &status);
	if (!d || status != 0) {
		free(d);
		return name;
	}
	snprintf(buf, len, "%s", d);
	free(d);
	return buf;
}

static const Dwfl_Callbacks proc_callbacks = {
	.find_elf = dwfl_linux_proc_find_elf,
	.find_debuginfo = dwfl_standard_find_debuginfo,
	.debuginfo_path = &fl_debuginfo_path,
};

/* A stable fake inode per path: libdwfl skips maps lines with inode 0 and
 * groups consecutive lines of one file into one module. */
static uint64_t fake_ino(const char *path)
{
	uint64_t h = 1469598103934665603ULL;

	for (const char *p = path; *p; p++)
		h = (h ^ (unsigned char)*p) * 1099511628211ULL;
	return (h >> 1) | 1;
}

/* Writes the mappings in /proc/PID/maps form for
 * dwfl_linux_proc_maps_report. */
static int has_exec_mapping(const struct addrspace *as, const char *path)
{
	for (size_t i = 0; i < as->nmaps; i++)
		if ((as->maps[i].prot & PROT_EXEC) &&
		    !(as->maps[i].prot & ADDRSPACE_PROT_UNTRUSTED) &&
		    !strcmp(as->maps[i].path, path))
			return 1;
	return 0;
}

static int write_maps(const struct addrspace *as, FILE *f)
{
	for (size_t i = 0; i < as->nmaps; i++) {
		const struct mapping *m = &as->maps[i];

		/* data files (ld.so.cache, locale archives) are no modules,
		 * and [vdso] is no file */
		if (m->path[0] != '/' || (m->prot & ADDRSPACE_PROT_UNTRUSTED) ||
		    !has_exec_mapping(as, m->path) || strstr(m->path, " (deleted)") || !strncmp(m->path, "/memfd:", 7) ||
		    !strncmp(m->path, "/dev/", 5))
			continue;
		fprintf(f, "%" PRIx64 "-%" PRIx64 " %c%c%cp %08" PRIx64
			   " 00:01 %" PRIu64 " %s%s\n",
			m->start, m->end, m->prot & PROT_READ ? 'r' : '-',
			m->prot & PROT_WRITE ? 'w' : '-',
			m->prot & PROT_EXEC ? 'x' : '-', m->pgoff,
			fake_ino(m->path), as->root ? as->root : "", m->path);
	}
	return ferror(f) ? -EIO : 0;
}

void addrspace_release_modules(struct addrspace *as)
{
	addrspace_symtab_free(as); /* its tables point into the modules */
	addrspace_var_forget(as);
	if (as->dwfl)
		dwfl_end(as->dwfl);
	as->dwfl = NULL;
	as->attached = 0;
}

int addrspace_build_dwfl(struct addrspace *as)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f;
	int err = 0;

	/* A rebuild re-reports every mapping into the same Dwfl: libdwfl
	 * keeps a module reported again with the same name and range, with
	 * its ELF, symbol table and CFI already loaded (re-opening them cost
	 * ~100 ms per library mapped at a launched node's start-up, and the
	 * rings overflowed), and drops those not reported again. */
	as->dirty = 0;
	addrspace_var_forget(as); /* a module may have gone, or moved */
	if (!as->dwfl) {
		fl_debuginfo_init();
		as->dwfl = dwfl_begin(&proc_callbacks);
	}
	if (!as->dwfl)
		return -ENOMEM;
	f = open_memstream(&text, &len);
	if (!f)
		return -errno;
	err = write_maps(as, f);
	fclose(f);
	if (!err) {
		f = fmemopen(text, len ? len : 1, "r");
		if (!f)
			err = -errno;
	}
	if (!err) {
		dwfl_report_begin(as->dwfl);
		if (len)
			dwfl_linux_proc_maps_report(as->dwfl, f);
		dwfl_report_end(as->dwfl, addrspace_symtab_removed, as);
		fclose(f);
	}
	free(text);
	return err;
}

static const char *base_name(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

int addrspace_module_stale(struct addrspace *as, uint64_t addr)
{
	const struct mapping *m = addrspace_find_map(as, addr);
	Dwfl_Module *mod;
	const char *name;
	size_t rl = as->root ? strlen(as->root) : 0;

	if (!as->dwfl)
		return 1;
	if (!as->dirty || !m)
		return 0;
	/* mapped since the module list was built (dlopen), or at an address
	 * another file had before */
	mod = dwfl_addrmodule(as->dwfl, addr);
	name = mod ? dwfl_module_info(mod, NULL, NULL, NULL, NULL, NULL, NULL,
				      NULL) : NULL;
	return !name || strncmp(name, as->root ? as->root : "", rl) != 0 ||
	       strcmp(name + rl, m->path) != 0;
}

static Dwfl_Module *find_module(struct addrspace *as, uint64_t addr)
{
	/* dwfl_addrmodule may answer for an address just past a module's
	 * end (seen: anonymous JIT pages a few pages above libstdc++), so
	 * only addresses inside a file mapping are asked about */
	const struct mapping *m = addrspace_find_map(as, addr);

	if (!m || (m->prot & ADDRSPACE_PROT_UNTRUSTED))
		return NULL;
	if (addrspace_module_stale(as, addr) && addrspace_build_dwfl(as))
		return NULL;
	return dwfl_addrmodule(as->dwfl, addr);
}

static void unknown(struct addrspace *as, uint64_t addr, const char *module,
		    uint64_t base, struct symbol *sym)
{
	sym->kind = FK_UNKNOWN;
	sym->module = module;
	if (!module[0])
		sym->name = "[unknown]";
	else if (module[0] == '[')
		sym->name = module; /* [vdso] */
	else if (as->flags & ADDRSPACE_UNKNOWN_OFFSETS) {
		snprintf(as->namebuf, sizeof as->namebuf, "%s+0x%" PRIx64,
			 module, addr - base);
		sym->name = as->namebuf;
	} else {
		snprintf(as->namebuf, sizeof as->namebuf, "[%s]", module);
		sym->name = as->namebuf;
	}
}

/* Whether addr, in mod without a symbol for it, is in the executable's
 * start routine: the function whose FDE starts at the ELF entry point and
 * whose CFI at addr says it has no caller.  A stripped program (Debian's
 * gzip) keeps no name for it; a sample taken there (the first page fault
 * of a new image) is a whole stack, and is shown as one: "_start", the
 * name linkers give the entry. */
static int entry_function(struct addrspace *as, Dwfl_Module *mod,
			  uint64_t addr)
{
	GElf_Addr bias;
	GElf_Ehdr eh;
	Elf *elf = dwfl_module_getelf(mod, &bias);
	uint64_t entry;

	if (!elf || !gelf_getehdr(elf, &eh) || eh.e_entry == 0 ||
	    (eh.e_type != ET_EXEC && eh.e_type != ET_DYN))
		return 0;
	entry = eh.e_entry + bias;
	/* the FDE table names the last function starting at or below addr;
	 * addr's own CFI row (none in a gap after the function) must say
	 * "no caller" too */
	return addrspace_fde_start(as, addr) == entry &&
	       addrspace_cfi_outermost(as, addr);
}

int addrspace_symbolize(struct addrspace *as, uint64_t addr,
			struct symbol *sym)
{
	Dwfl_Module *mod;
	const struct mapping *m;
	const char *name, *modname = NULL;
	Dwarf_Addr start = 0;

	memset(sym, 0, sizeof *sym);
	/* JIT code is named by the perf map first (see in_jit) */
	if (as->jit && as->jit(as->jit_ctx, addr, &sym->name, &sym->kind) == 0) {
		sym->module = "[jit]";
		return 0;
	}
	mod = find_module(as, addr);
	if (mod) {
		modname = dwfl_module_info(mod, NULL, &start, NULL, NULL, NULL,
					   NULL, NULL);
		modname = base_name(modname ? modname : "");
		name = addrspace_symtab_lookup(as, mod, addr);
		sym->nodebug = addrspace_symtab_nodebug(as, mod);
		if (name && name[0]) {
			size_t at = strcspn(name, "@");

			/* "__libc_start_main@@GLIBC_2.34": drop the version */
			if (name[at] && at > 0 && at < sizeof as->namebuf) {
				memcpy(as->namebuf, name, at);
				as->namebuf[at] = '\0';
				name = as->namebuf;
			}
			sym->name = demangle(name, as->namebuf2,
					     sizeof as->namebuf2);
			sym->module = modname;
			sym->kind = FK_NATIVE;
			return 0;
		}
		if (entry_function(as, mod, addr)) {
			sym->name = "_start";
			sym->module = modname;
			sym->kind = FK_NATIVE;
			return 0;
		}
		unknown(as, addr, modname, start, sym);
		return 0;
	}
	m = addrspace_find_map(as, addr);
	if (m)
		unknown(as, addr, base_name(m->path), m->start - m->pgoff, sym);
	else
		unknown(as, addr, "", 0, sym);
	return 0;
}

int addrspace_symbolize_inline(struct addrspace *as, uint64_t addr,
			       struct symbol *sym)
{
	Dwfl_Module *mod;
	Dwarf_Die *cu, *scopes = NULL;
	Dwarf_Addr bias;
	int err = addrspace_symbolize(as, addr, sym), n;

	if (err || sym->kind != FK_NATIVE)
		return err;
	mod = find_module(as, addr);
	cu = mod ? dwfl_module_addrdie(mod, addr, &bias) : NULL;
	if (!cu)
		return 0;
	n = dwarf_getscopes(cu, addr - bias, &scopes);
	for (int i = 0; i < n && sym->ninlined < 16; i++) {
		if (dwarf_tag(&scopes[i]) == DW_TAG_inlined_subroutine) {
			const char *nm = dwarf_diename(&scopes[i]);

			sym->inlined[sym->ninlined++] = nm ? nm : "[inlined]";
		} else if (dwarf_tag(&scopes[i]) == DW_TAG_subprogram) {
			break;
		}
	}
	free(scopes);
	return 0;
}
