/* A watched variable read at the sample: where DWARF says a local
 * variable of one function is at a pc (its location list), and its value
 * from the registers the unwinder recovered for that frame and the
 * sample's stack copy.  Never from live memory: the value says what the
 * frame held when the kernel took the sample. */
#include "addrspaceP.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

enum { VAR_MAX_OPS = 8 };

struct varloc {
	uint64_t pc;    /* the address looked up (+1, so that 0 is empty) */
	uint8_t state;  /* VL_* */
	uint8_t nops;
	struct {
		uint8_t atom;
		uint64_t number, number2;
	} ops[VAR_MAX_OPS];
};

/* VL_NONE: in the function, but DWARF gives no location at that pc */
enum { VL_EMPTY = 0, VL_NOTFN = 1, VL_NONE = 2, VL_HAVE = 3 };

struct varcache {
	char *fn, *var;
	size_t fnlen;
	struct varloc slot[ADDRSPACE_VAR_SLOTS];
};

int addrspace_watch_var(struct addrspace *as, const char *fn, const char *var)
{
	struct varcache *c;

	if (as->vars && !strcmp(as->vars->fn, fn) &&
	    !strcmp(as->vars->var, var))
		return 0; /* watched already */
	c = calloc(1, sizeof *c);
	if (!c)
		return -ENOMEM;
	c->fn = strdup(fn);
	c->var = strdup(var);
	if (!c->fn || !c->var) {
		free(c->fn);
		free(c->var);
		free(c);
		return -ENOMEM;
	}
	c->fnlen = strlen(fn);
	addrspace_var_free(as);
	as->vars = c;
	return 0;
}

void addrspace_var_free(struct addrspace *as)
{
	if (!as->vars)
		return;
	free(as->vars->fn);
	free(as->vars->var);
	free(as->vars);
	as->vars = NULL;
}

void addrspace_var_forget(struct addrspace *as)
{
	if (as->vars)
		memset(as->vars->slot, 0, sizeof as->vars->slot);
}

/* The operations the evaluator knows (what gcc emits for locals). */
static int op_known(uint8_t a)
{
	return (a >= DW_OP_reg0 && a <= DW_OP_reg31) ||
	       (a >= DW_OP_breg0 && a <= DW_OP_breg31) ||
	       (a >= DW_OP_lit0 && a <= DW_OP_lit31) || a == DW_OP_regx ||
	       a == DW_OP_bregx || a == DW_OP_fbreg || a == DW_OP_deref ||
	       a == DW_OP_plus_uconst || a == DW_OP_plus || a == DW_OP_minus ||
	       a == DW_OP_stack_value || a == DW_OP_call_frame_cfa ||
	       a == DW_OP_const1u || a == DW_OP_const1s ||
	       a == DW_OP_const2u || a == DW_OP_const2s ||
	       a == DW_OP_const4u || a == DW_OP_const4s ||
	       a == DW_OP_const8u || a == DW_OP_const8s ||
	       a == DW_OP_constu || a == DW_OP_consts;
}

/* Whether the function's frame base is its CFA (DW_OP_fbreg is then
 * relative to the CFA, which the unwinder knows). */
static int frame_base_is_cfa(Dwarf_Die *fn)
{
	Dwarf_Attribute a;
	Dwarf_Op *e;
	size_t len;

	return dwarf_attr_integrate(fn, DW_AT_frame_base, &a) &&
	       dwarf_getlocation(&a, &e, &len) == 0 && len == 1 &&
	       e[0].atom == DW_OP_call_frame_cfa;
}

/* The variable named name among the children of die that hold pc: the
 * function's own variables and parameters, and those of its lexical
 * blocks around pc (not those of functions inlined into it).  0 and *out,
 * or -1. */
static int find_var(Dwarf_Die *die, Dwarf_Addr pc, const char *name,
		    int depth, Dwarf_Die *out)
{
	Dwarf_Die child;

	if (depth > 8 || dwarf_child(die, &child) != 0)
		return -1;
	do {
		int tag = dwarf_tag(&child);
		const char *n;

		if (tag == DW_TAG_variable || tag == DW_TAG_formal_parameter) {
			n = dwarf_diename(&child);
			if (n && !strcmp(n, name)) {
				*out = child;
				return 0;
			}
		} else if (tag == DW_TAG_lexical_block &&
			   dwarf_haspc(&child, pc) > 0 &&
			   find_var(&child, pc, name, depth + 1, out) == 0) {
			return 0;
		}
	} while (dwarf_siblingof(&child, &child) == 0);
	return -1;
}

/* The concrete function (a DW_TAG_subprogram child of the CU) holding pc:
 * the pc may be in code inlined into it, for which dwarf_getscopes gives
 * the inlined function's own scopes instead. */
static int find_function(Dwarf_Die *cu, Dwarf_Addr pc, Dwarf_Die *out)
{
	Dwarf_Die child;

	if (dwarf_child(cu, &child) != 0)
		return -1;
	do {
		if (dwarf_tag(&child) == DW_TAG_subprogram &&
		    dwarf_haspc(&child, pc) > 0) {
			*out = child;
			return 0;
		}
	} while (dwarf_siblingof(&child, &child) == 0);
	return -1;
}

/* Fills v from DWARF for address a (module-relative: a - bias) of mod. */
static void var_lookup(struct varcache *c, Dwfl_Module *mod, uint64_t a,
		       struct varloc *v)
{
	Dwarf_Addr bias;
	Dwarf_Die *cu = dwfl_module_addrdie(mod, a, &bias);
	Dwarf_Die fn, var;
	Dwarf_Attribute attr;
	Dwarf_Op *e;
	size_t len;

	v->state = VL_NONE;
	if (!cu || find_function(cu, a - bias, &fn) ||
	    find_var(&fn, a - bias, c->var, 0, &var) ||
	    !dwarf_attr_integrate(&var, DW_AT_location, &attr) ||
	    dwarf_getlocation_addr(&attr, a - bias, &e, &len, 1) != 1 ||
	    len == 0 || len > VAR_MAX_OPS)
		return;
	for (size_t i = 0; i < len; i++) {
		if (!op_known(e[i].atom) ||
		    (e[i].atom == DW_OP_fbreg && !frame_base_is_cfa(&fn)))
			return;
		v->ops[i].atom = e[i].atom;
		v->ops[i].number = e[i].number;
		v->ops[i].number2 = e[i].number2;
	}
	v->nops = (uint8_t)len;
	v->state = VL_HAVE;
}

/* Whether the symbol is the watched function or a compiler-split part of
 * it ("name.cold"). */
static int is_watched(const struct varcache *c, const char *sym)
{
	return sym && !strncmp(sym, c->fn, c->fnlen) &&
	       (sym[c->fnlen] == 0 || sym[c->fnlen] == '.');
}

const struct varloc *addrspace_var_at(struct addrspace *as, uint64_t a)
{
	struct varcache *c = as->vars;
	struct varloc *v;
	Dwfl_Module *mod;

	if (!c || !as->dwfl)
		return NULL;
	v = &c->slot[(a ^ (a >> 12)) % ADDRSPACE_VAR_SLOTS];
	if (v->state == VL_EMPTY || v->pc != a + 1) {
		memset(v, 0, sizeof *v);
		v->pc = a + 1;
		v->state = VL_NOTFN;
		mod = dwfl_addrmodule(as->dwfl, a);
		if (mod && is_watched(c, addrspace_symtab_lookup(as, mod, a)))
			var_lookup(c, mod, a, v);
	}
	return v->state == VL_NOTFN ? NULL : v;
}

/* 8 bytes of the stack copy at addr; never live memory. */
static int copy_read(const struct stack_snapshot *s, uint64_t base,
		     uint64_t addr, uint64_t *out)
{
	if (addr < base || addr - base > s->stack_len ||
	    s->stack_len - (addr - base) < sizeof *out)
		return -1;
	memcpy(out, s->stack + (addr - base), sizeof *out);
	return 0;
}

int addrspace_var_eval(const struct varloc *v, const struct var_frame *f,
		       const struct stack_snapshot *snap, uint64_t stack_base,
		       uint64_t *out)
{
	uint64_t st[VAR_MAX_OPS + 1];
	size_t sp = 0;

	if (v->state != VL_HAVE)
		return -1;
	for (size_t i = 0; i < v->nops; i++) {
		uint8_t a = v->ops[i].atom;
		uint64_t num = v->ops[i].number, r;
		unsigned regno;

		if ((a >= DW_OP_reg0 && a <= DW_OP_reg31) || a == DW_OP_regx) {
			regno = a == DW_OP_regx ? (unsigned)num : (unsigned)(a - DW_OP_reg0);
			if (v->nops != 1 || regno >= ADDRSPACE_NREGS ||
			    !(f->known & (1u << regno)))
				return -1;
			*out = f->regs[regno];
			return 0;
		}
		if (sp == VAR_MAX_OPS)
			return -1;
		if ((a >= DW_OP_breg0 && a <= DW_OP_breg31) || a == DW_OP_bregx) {
			uint64_t off = a == DW_OP_bregx ? v->ops[i].number2 : num;

			regno = a == DW_OP_bregx ? (unsigned)num : (unsigned)(a - DW_OP_breg0);
			if (regno >= ADDRSPACE_NREGS || !(f->known & (1u << regno)))
				return -1;
			st[sp++] = f->regs[regno] + off;
		} else if (a == DW_OP_fbreg || a == DW_OP_call_frame_cfa) {
			if (!f->have_cfa)
				return -1;
			st[sp++] = f->cfa + (a == DW_OP_fbreg ? num : 0);
		} else if (a >= DW_OP_lit0 && a <= DW_OP_lit31) {
			st[sp++] = a - DW_OP_lit0;
		} else if (a == DW_OP_deref) {
			if (!sp || copy_read(snap, stack_base, st[sp - 1], &r))
				return -1;
			st[sp - 1] = r;
		} else if (a == DW_OP_plus_uconst) {
			if (!sp)
				return -1;
			st[sp - 1] += num;
		} else if (a == DW_OP_plus || a == DW_OP_minus) {
			if (sp < 2)
				return -1;
			sp--;
			st[sp - 1] = a == DW_OP_plus ? st[sp - 1] + st[sp] :
						       st[sp - 1] - st[sp];
		} else if (a == DW_OP_stack_value) {
			if (!sp || i + 1 != v->nops)
				return -1;
			*out = st[sp - 1];
			return 0;
		} else { /* the constants */
			st[sp++] = num;
		}
	}
	/* a memory location: the value is in the stack copy */
	if (!sp)
		return -1;
	return copy_read(snap, stack_base, st[sp - 1], out);
}
