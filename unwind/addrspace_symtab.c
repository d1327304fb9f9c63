/* Function names by address: one sorted table per libdwfl module.
 *
 * dwfl_module_addrinfo scans every symbol of a module on each call: ~20 ms
 * for node's ~180k, once per new address; at a launched node's start-up
 * that kept the recorder busy long enough for the rings to overflow.  The
 * module's symbols are read once (dwfl_module_getsym_info), sorted, and
 * looked up by binary search.  Names are borrowed from the module's ELF,
 * so a table is dropped when libdwfl drops its module (addrspace_build_dwfl
 * passes addrspace_symtab_removed to dwfl_report_end). */
#include "addrspaceP.h"
#include "../common/vec.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct symtab_ent {
	uint64_t addr, size;
	const char *name;
	uint32_t rank; /* binding (global first), then index in the table */
};

struct modsyms {
	Dwfl_Module *mod;
	struct symtab_ent *e;
	size_t n;
};

static int ent_cmp(const void *a, const void *b)
{
	const struct symtab_ent *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	/* at one address the preferred name sorts last: lookups scan back */
	return x->rank < y->rank ? 1 : x->rank > y->rank ? -1 : 0;
}

static uint32_t bind_rank(unsigned char info)
{
	switch (GELF_ST_BIND(info)) {
	case STB_GLOBAL: return 0;
	case STB_WEAK: return 1;
	default: return 2;
	}
}

static int build(Dwfl_Module *mod, struct modsyms *t)
{
	int n = dwfl_module_getsymtab(mod);
	size_t cap = 0;

	t->mod = mod;
	t->e = NULL;
	t->n = 0;
	for (int i = 1; i < n; i++) {
		GElf_Sym sym;
		GElf_Addr value;
		GElf_Word shndx;
		const char *name = dwfl_module_getsym_info(mod, i, &sym, &value,
							   &shndx, NULL, NULL);
		int type = GELF_ST_TYPE(sym.st_info);

		if (!name || !name[0] || shndx == SHN_UNDEF ||
		    type == STT_SECTION || type == STT_FILE || type == STT_TLS)
			continue;
		if (vec_reserve((void **)&t->e, &cap, t->n + 1, sizeof *t->e))
			return -ENOMEM;
		t->e[t->n++] = (struct symtab_ent){
			value, sym.st_size, name,
			(bind_rank(sym.st_info) << 28) | ((uint32_t)i & 0x0fffffff)
		};
	}
	if (t->n) /* t->e is NULL for a module without symbols */
		qsort(t->e, t->n, sizeof *t->e, ent_cmp);
	return 0;
}

static struct modsyms *table_of(struct addrspace *as, Dwfl_Module *mod)
{
	for (size_t i = 0; i < as->nsymtabs; i++)
		if (as->symtabs[i].mod == mod)
			return &as->symtabs[i];
	if (vec_reserve((void **)&as->symtabs, &as->cap_symtabs,
			as->nsymtabs + 1, sizeof *as->symtabs))
		return NULL;
	if (build(mod, &as->symtabs[as->nsymtabs])) {
		free(as->symtabs[as->nsymtabs].e);
		return NULL;
	}
	return &as->symtabs[as->nsymtabs++];
}

const char *addrspace_symtab_lookup(struct addrspace *as, Dwfl_Module *mod,
				    uint64_t addr)
{
	struct modsyms *t = table_of(as, mod);
	size_t lo = 0, hi, j;

	if (!t || !t->n)
		return NULL;
	hi = t->n;
	while (lo < hi) { /* first entry above addr */
		size_t mid = lo + (hi - lo) / 2;

		if (t->e[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	j = lo - 1;
	/* the nearest symbol that contains addr; a sizeless one (an asm
	 * label like _dl_start_user) only if no symbol starts between it
	 * and addr */
	for (size_t k = j + 1; k-- > 0 && j - k < 64;) {
		const struct symtab_ent *e = &t->e[k];

		if (e->size && addr - e->addr < e->size)
			return e->name;
		if (!e->size && e->addr == t->e[j].addr)
			return e->name;
	}
	return NULL;
}

int addrspace_symtab_removed(Dwfl_Module *mod, void *userdata,
			     const char *name, Dwarf_Addr base, void *arg)
{
	struct addrspace *as = arg;

	for (size_t i = 0; i < as->nsymtabs; i++) {
		if (as->symtabs[i].mod != mod)
			continue;
		free(as->symtabs[i].e);
		as->symtabs[i] = as->symtabs[--as->nsymtabs];
		break;
	}
	return 0;
}

void addrspace_symtab_free(struct addrspace *as)
{
	for (size_t i = 0; i < as->nsymtabs; i++)
		free(as->symtabs[i].e);
	free(as->symtabs);
	as->symtabs = NULL;
	as->nsymtabs = as->cap_symtabs = 0;
}
