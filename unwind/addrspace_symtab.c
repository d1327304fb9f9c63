/* Function names by address: one sorted table per libdwfl module.
 *
 * dwfl_module_addrinfo scans every symbol of a module on each call: ~20 ms
 * for node's ~180k, once per new address; at a launched node's start-up
 * that kept the recorder busy long enough for the rings to overflow.  The
 * module's symbols are read once (dwfl_module_getsym_info), sorted, and
 * looked up by binary search.
 *
 * A file with a build-id has one table for the whole recording, shared by
 * every process that maps it: a parallel build starts hundreds of cc1, as
 * and sh processes, and reading and sorting the same libc and cc1 symbol
 * tables again in each was a quarter of the recorder's CPU (docs/bench.md,
 * "Many processes").  Such a table holds addresses relative to the
 * module's start and its own copy of the names, so it outlives the
 * process that built it.  A module without a build-id gets a table of its
 * own whose names are borrowed from the module's ELF, dropped when libdwfl
 * drops the module (addrspace_build_dwfl passes addrspace_symtab_removed to
 * dwfl_report_end). */
#include "addrspaceP.h"
#include "../common/vec.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct symtab_ent {
	uint64_t addr, size; /* addr: relative to the module's start */
	const char *name;
	uint32_t rank; /* binding (global first), then index in the table */
};

struct symtab {
	struct symtab_ent *e;
	size_t n;
	char *names;            /* the names (shared tables only) */
	unsigned char id[64];   /* build-id (shared tables only) */
	size_t idlen;
	int nodebug;            /* no .symtab and no separate debug file */
	uint64_t root[4][2];    /* [start, end) of root functions, relative */
	int nroot;
};

struct modsyms {
	Dwfl_Module *mod;
	uint64_t start;         /* the module's start address */
	struct symtab *t;       /* shared (idlen > 0) or owned */
};

/* The shared tables, by build-id, kept until the recorder exits (one per
 * distinct file: a few dozen for a build). */
static struct symtab **shared;
static size_t nshared, cap_shared;

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

static void symtab_free(struct symtab *t)
{
	if (!t)
		return;
	free(t->e);
	free(t->names);
	free(t);
}

/* Whether mod's symbols are a full table: a separate debug file was found
 * (by build-id or .gnu_debuglink; dwfl_module_getsymtab looked), or the
 * file itself has a .symtab.  A stripped file has only .dynsym: its static
 * functions have no name, and its code between exported functions is
 * shown as [module]. */
static int has_symtab(Dwfl_Module *mod)
{
	const char *debugfile = NULL;
	GElf_Addr bias;
	Elf *elf;
	Elf_Scn *scn = NULL;

	dwfl_module_info(mod, NULL, NULL, NULL, NULL, NULL, NULL, &debugfile);
	if (debugfile)
		return 1;
	elf = dwfl_module_getelf(mod, &bias);
	while (elf && (scn = elf_nextscn(elf, scn))) {
		GElf_Shdr sh;

		if (gelf_getshdr(scn, &sh) && sh.sh_type == SHT_SYMTAB)
			return 1;
	}
	return 0;
}

/* Where every stack starts: ld.so's entry (_start, and _dl_start_user
 * after the call to _dl_start) and a program's _start.  A sizeless symbol
 * (ld.so's are asm labels) reaches to the next symbol. */
static void find_roots(struct symtab *t)
{
	for (size_t i = 0; i < t->n && t->nroot < 4; i++) {
		const struct symtab_ent *e = &t->e[i];
		uint64_t end = e->addr + e->size;

		if (strcmp(e->name, "_start") && strcmp(e->name, "_dl_start_user"))
			continue;
		if (!e->size) {
			size_t j = i + 1;

			while (j < t->n && t->e[j].addr == e->addr)
				j++;
			end = j < t->n ? t->e[j].addr : e->addr + 1;
		}
		t->root[t->nroot][0] = e->addr;
		t->root[t->nroot][1] = end;
		t->nroot++;
	}
}

/* Reads mod's symbols into t, addresses relative to start, sorted. */
static int build(Dwfl_Module *mod, uint64_t start, struct symtab *t)
{
	int n = dwfl_module_getsymtab(mod);
	size_t cap = 0;

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
			value - start, sym.st_size, name,
			(bind_rank(sym.st_info) << 28) | ((uint32_t)i & 0x0fffffff)
		};
	}
	if (t->n) /* t->e is NULL for a module without symbols */
		qsort(t->e, t->n, sizeof *t->e, ent_cmp);
	t->nodebug = !has_symtab(mod);
	find_roots(t);
	return 0;
}

/* Gives t its own copy of the names it borrows from the module's ELF. */
static int own_names(struct symtab *t)
{
	size_t len = 0, at = 0;

	for (size_t i = 0; i < t->n; i++)
		len += strlen(t->e[i].name) + 1;
	t->names = malloc(len ? len : 1);
	if (!t->names)
		return -ENOMEM;
	for (size_t i = 0; i < t->n; i++) {
		size_t l = strlen(t->e[i].name) + 1;

		memcpy(t->names + at, t->e[i].name, l);
		t->e[i].name = t->names + at;
		at += l;
	}
	return 0;
}

static struct symtab *shared_find(const unsigned char *id, size_t len)
{
	for (size_t i = 0; i < nshared; i++)
		if (shared[i]->idlen == len && !memcmp(shared[i]->id, id, len))
			return shared[i];
	return NULL;
}

/* mod's table: the shared one of its build-id, built on first use, or
 * one of its own.  NULL on ENOMEM. */
static struct symtab *symtab_for(Dwfl_Module *mod, uint64_t start)
{
	const unsigned char *id = NULL;
	GElf_Addr idaddr, bias;
	struct symtab *t;
	int len;

	/* libdwfl knows the build-id once it has opened the file: a module
	 * reported from the maps is opened lazily */
	dwfl_module_getelf(mod, &bias);
	len = dwfl_module_build_id(mod, &id, &idaddr);

	if (len > 0 && (size_t)len <= sizeof t->id) {
		t = shared_find(id, (size_t)len);
		if (t)
			return t;
	}
	t = calloc(1, sizeof *t);
	if (!t || build(mod, start, t))
		goto fail;
	if (len <= 0 || (size_t)len > sizeof t->id)
		return t;
	if (own_names(t) ||
	    vec_reserve((void **)&shared, &cap_shared, nshared + 1,
			sizeof *shared))
		goto fail;
	memcpy(t->id, id, (size_t)len);
	t->idlen = (size_t)len;
	shared[nshared++] = t;
	return t;
fail:
	symtab_free(t);
	return NULL;
}

static struct modsyms *table_of(struct addrspace *as, Dwfl_Module *mod)
{
	Dwarf_Addr start = 0;
	struct modsyms *m;

	for (size_t i = 0; i < as->nsymtabs; i++)
		if (as->symtabs[i].mod == mod)
			return &as->symtabs[i];
	if (vec_reserve((void **)&as->symtabs, &as->cap_symtabs,
			as->nsymtabs + 1, sizeof *as->symtabs))
		return NULL;
	dwfl_module_info(mod, NULL, &start, NULL, NULL, NULL, NULL, NULL);
	m = &as->symtabs[as->nsymtabs];
	m->mod = mod;
	m->start = start;
	m->t = symtab_for(mod, start);
	if (!m->t)
		return NULL;
	as->nsymtabs++;
	return m;
}

/* Drops m's table unless it is shared. */
static void modsyms_release(struct modsyms *m)
{
	if (m->t && !m->t->idlen)
		symtab_free(m->t);
	m->t = NULL;
}

const char *addrspace_symtab_lookup(struct addrspace *as, Dwfl_Module *mod,
				    uint64_t addr)
{
	return addrspace_symtab_find(as, mod, addr, NULL);
}

const char *addrspace_symtab_find(struct addrspace *as, Dwfl_Module *mod,
				  uint64_t addr, uint64_t *start)
{
	struct modsyms *m = table_of(as, mod);
	const struct symtab *t = m ? m->t : NULL;
	size_t lo = 0, hi, j;

	if (!t || !t->n)
		return NULL;
	addr -= m->start;
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

		if ((e->size && addr - e->addr < e->size) ||
		    (!e->size && e->addr == t->e[j].addr)) {
			if (start)
				*start = e->addr + m->start;
			return e->name;
		}
	}
	return NULL;
}

int addrspace_symtab_is_root(struct addrspace *as, Dwfl_Module *mod,
			      uint64_t addr)
{
	struct modsyms *m = table_of(as, mod);

	if (!m || !m->t)
		return 0;
	addr -= m->start;
	for (int i = 0; i < m->t->nroot; i++)
		if (addr >= m->t->root[i][0] && addr < m->t->root[i][1])
			return 1;
	return 0;
}

int addrspace_symtab_nodebug(struct addrspace *as, Dwfl_Module *mod)
{
	struct modsyms *m = table_of(as, mod);

	return m && m->t && m->t->nodebug;
}

int addrspace_symtab_removed(Dwfl_Module *mod, void *userdata,
			     const char *name, Dwarf_Addr base, void *arg)
{
	struct addrspace *as = arg;

	for (size_t i = 0; i < as->nsymtabs; i++) {
		if (as->symtabs[i].mod != mod)
			continue;
		modsyms_release(&as->symtabs[i]);
		as->symtabs[i] = as->symtabs[--as->nsymtabs];
		break;
	}
	return 0;
}

void addrspace_symtab_free(struct addrspace *as)
{
	for (size_t i = 0; i < as->nsymtabs; i++)
		modsyms_release(&as->symtabs[i]);
	free(as->symtabs);
	as->symtabs = NULL;
	as->nsymtabs = as->cap_symtabs = 0;
}
