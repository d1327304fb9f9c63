/* addrspaceP.h - private body of struct addrspace (see addrspace.h). */
#ifndef FLAMER_UNWIND_ADDRSPACEP_H
#define FLAMER_UNWIND_ADDRSPACEP_H

#include "addrspace.h"

#include <elfutils/libdwfl.h>

struct modsyms;

struct mapping {
	uint64_t start, end, pgoff;
	uint64_t time;        /* when it was mapped (see addrspace_add_map) */
	uint32_t prot;
	char *path;
};

struct addrspace {
	pid_t pid;
	struct mapping *maps; /* sorted by start, non-overlapping */
	size_t nmaps, cap;
	int dirty;            /* exec mappings added since dwfl was built */
	uint64_t exec_time;   /* time of the last exec */
	Dwfl *dwfl;
	int attached;         /* dwfl_attach_state done */
	unsigned flags;
	addrspace_jit_fn jit;
	void *jit_ctx;
	char namebuf[512];    /* for "[module]" names */
	char namebuf2[1024];  /* demangled C++ names */
	const struct stack_snapshot *snap; /* during addrspace_unwind */
	uint64_t stack_base;  /* address of snap->stack[0] (the sampled rsp) */
	int read_failed;      /* the unwinder asked for memory it could not have */
	int live_state;       /* beyond the copy: 0 unchecked, 1 the copy's top
			       * equals live memory (read on), -1 it does not */
	int live_used;        /* a walk read live stack beyond the copy, checked
			       * (live_state) */
	int live_free;        /* reads beyond the copy go to the live process
			       * unchecked: after a JIT frame of a process with
			       * snap->live_reads (its chain is read live) */
	int fp_regs_only;     /* the walk starts from rip, rsp, rbp only (after
			       * a frame-pointer walk: the other registers of
			       * that frame are not known) */
	char *root;           /* "/proc/PID/root" when the target's root differs */
	struct modsyms *symtabs; /* sorted symbols per module (addrspace_symtab.c) */
	size_t nsymtabs, cap_symtabs;
	uint64_t erl_mismatch; /* Erlang chains left out (addrspace_unwind.c) */
	uint64_t erl_unconfirmed; /* late Erlang reads left out (same) */
	struct varcache *vars; /* the watched variable (addrspace_var.c) */
};

/* ---- the watched variable (addrspace_var.c) ---- */

enum { ADDRSPACE_VAR_SLOTS = 1024 }; /* locations cached, by pc */

struct varloc;

/* A frame's registers as the unwinder recovered them (bit r of known: regs[r]
 * is known), and its CFA when known. */
struct var_frame {
	uint64_t regs[ADDRSPACE_NREGS];
	uint32_t known;
	int have_cfa;
	uint64_t cfa;
};

/* Where the watched variable is at address a (a pc, or a return address
 * - 1), cached: NULL when a is not in the watched function (or nothing is
 * watched), else a location (which may say that DWARF has none there).
 * Borrowed until the next call. */
const struct varloc *addrspace_var_at(struct addrspace *as, uint64_t a);

/* The variable's value in frame f of the sample: from f's registers and
 * the stack copy snap->stack (its first byte at stack_base) only.
 * 0 and *out, or -1 when it cannot be known. */
int addrspace_var_eval(const struct varloc *v, const struct var_frame *f,
		       const struct stack_snapshot *snap, uint64_t stack_base,
		       uint64_t *out);

/* Forgets the cached locations (the modules changed); frees the watch. */
void addrspace_var_forget(struct addrspace *as);
void addrspace_var_free(struct addrspace *as);


/* The name of the function at addr in mod, from a sorted copy of the
 * module's symbol table built on first use; NULL when none (or ENOMEM).
 * Borrowed: valid while libdwfl keeps mod. */
const char *addrspace_symtab_lookup(struct addrspace *as, Dwfl_Module *mod,
				    uint64_t addr);

/* As addrspace_symtab_lookup; *start (if not NULL) gets the function's
 * first address. */
const char *addrspace_symtab_find(struct addrspace *as, Dwfl_Module *mod,
				  uint64_t addr, uint64_t *start);

/* Whether addr (in mod) is in a function where every stack starts:
 * _start or ld.so's _dl_start_user. */
int addrspace_symtab_is_root(struct addrspace *as, Dwfl_Module *mod,
			     uint64_t addr);

/* Whether mod has neither a .symtab nor a separate debug file (its table
 * is .dynsym only, or empty). */
int addrspace_symtab_nodebug(struct addrspace *as, Dwfl_Module *mod);

/* dwfl_report_end's callback (arg: the addrspace): forgets mod's table. */
int addrspace_symtab_removed(Dwfl_Module *mod, void *userdata,
			     const char *name, Dwarf_Addr base, void *arg);

/* Frees every table (the Dwfl is going away). */
void addrspace_symtab_free(struct addrspace *as);

/* ---- call-frame information (addrspace_cfi.c) ---- */

/* The first address of the function holding pc (an address the Dwfl
 * knows): the start of its FDE in the module's .eh_frame_hdr table, or 0
 * when there is none. */
uint64_t addrspace_fde_start(struct addrspace *as, uint64_t pc);

/* Whether the CFI at pc says its frame is the outermost: the return
 * address column is "undefined" (_start, clone3). */
int addrspace_cfi_outermost(struct addrspace *as, uint64_t pc);

/* Builds (or rebuilds) the Dwfl from the mappings. 0 or negative. */
int addrspace_build_dwfl(struct addrspace *as);

/* Whether the module list must be rebuilt before looking up addr: not
 * built yet, or new mappings since and addr's module is not its file. */
int addrspace_module_stale(struct addrspace *as, uint64_t addr);

/* The mapping containing addr, or NULL. */
const struct mapping *addrspace_find_map(const struct addrspace *as,
					 uint64_t addr);

#endif
