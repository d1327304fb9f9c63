/* addrspace.h - one target process's address space, as the recorder sees it.
 *
 * An addrspace knows the process's file mappings (from /proc/PID/maps at
 * attach and from PERF_RECORD_MMAP2 afterwards, so it stays right after the
 * process has exited), turns addresses into symbols with elfutils libdwfl
 * (.symtab/.dynsym, separate debug info by build-id or .gnu_debuglink), and
 * unwinds a sampled user stack with CFI (.eh_frame/.debug_frame), falling
 * back to frame pointers where a frame has no CFI (JIT code).
 *
 * libdwfl state is built lazily on the first lookup and rebuilt only when a
 * lookup misses and new executable mappings have arrived since (dlopen).
 */
#ifndef FLAMER_UNWIND_ADDRSPACE_H
#define FLAMER_UNWIND_ADDRSPACE_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "../recording/recfile.h"

struct addrspace;

/* A JIT symbol source (perf map) consulted for addresses in no ELF module.
 * Returns 0 and a borrowed name (valid until the next call) or negative. */
typedef int (*addrspace_jit_fn)(void *ctx, uint64_t addr, const char **name,
				enum frame_kind *kind);

/* New, empty address space for pid.  Owned by the caller; NULL on ENOMEM. */
struct addrspace *addrspace_new(pid_t pid);

/* A copy for a forked child (same mappings, new pid).  NULL on ENOMEM. */
struct addrspace *addrspace_fork(const struct addrspace *parent, pid_t pid);

void addrspace_free(struct addrspace *as); /* NULL is accepted */

/* Files of the target are opened under root: "/proc/PID/root" for a
 * target in another mount namespace or root (addrspace_new finds out; the
 * recorder says so again after an exec or a fork), NULL for the recorder's
 * own view.  root is copied.  0 or -ENOMEM. */
int addrspace_set_root(struct addrspace *as, const char *root);

/* A prot bit for addrspace_add_map: the file at the mapping's path is not
 * the one mapped (its build-id differs from the one the kernel reported).
 * Its code is named [module] and never symbolised from that file. */
#define ADDRSPACE_PROT_UNTRUSTED 0x80000000u

/* Reads /proc/PID/maps (file-backed mappings), as of time (see
 * addrspace_add_map).  0 or -errno. */
int addrspace_load_proc_maps(struct addrspace *as, uint64_t time);

/* Adds a mapping (path copied; anonymous ones are ignored), replacing what
 * it overlaps.  prot as in mmap(2).  time is when it was mapped, in any
 * clock the caller uses consistently (the recorder: the perf record's
 * timestamp): a mapping older than the last exec is ignored, so records
 * read out of order from several CPUs' rings cannot bring back the old
 * image.  0 or -ENOMEM. */
int addrspace_add_map(struct addrspace *as, uint64_t time, uint64_t start,
		      uint64_t len, uint64_t pgoff, uint32_t prot,
		      const char *path);

/* Whether addr lies in a known file mapping (or the vdso). */
int addrspace_covers(const struct addrspace *as, uint64_t addr);

/* Drops what libdwfl holds for the address space (modules, ELF and DWARF
 * data): the recorder calls it when the process has exited.  The mappings
 * stay; the next lookup or unwind rebuilds what it needs. */
void addrspace_release_modules(struct addrspace *as);

/* Forget every mapping. */
void addrspace_clear(struct addrspace *as);

/* The process exec'd at time: forget the mappings made before it (those of
 * the new image that were already read from another CPU's ring stay). */
void addrspace_exec(struct addrspace *as, uint64_t time);

/* Sets the JIT symbol source (ctx borrowed; NULL fn removes it). */
void addrspace_set_jit(struct addrspace *as, addrspace_jit_fn fn, void *ctx);

/* Options for naming addresses without a symbol. */
#define ADDRSPACE_UNKNOWN_OFFSETS 1 /* "libfoo.so+0x1a2b" instead of "[libfoo.so]" */
void addrspace_set_flags(struct addrspace *as, unsigned flags);

/* What an address is. Strings are borrowed, valid until the next call on
 * the same addrspace. */
struct symbol {
	const char *name;   /* function, "[module]" or "[unknown]" */
	const char *module; /* basename of the mapping, "" if none */
	enum frame_kind kind;
	/* Inlined callers, filled only by addrspace_symbolize_inline: names of
	 * the functions inlined at addr, innermost first (borrowed). */
	const char *inlined[16];
	unsigned ninlined;
	/* The module has no symbol table and no debug file was found for it
	 * (stripped, no -dbg/-dbgsym package): only exported functions have
	 * names, the rest of its code is "[module]". */
	int nodebug;
};

/* Symbolises a code address. For a return address pass addr - 1.
 * Returns 0 (sym filled, possibly as unknown) or a negative errno. */
int addrspace_symbolize(struct addrspace *as, uint64_t addr,
			struct symbol *sym);

/* Same, and also lists the functions inlined at addr from DWARF inline
 * information (when debug info is present). */
int addrspace_symbolize_inline(struct addrspace *as, uint64_t addr,
			       struct symbol *sym);

/* Registers of a sampled thread in DWARF x86-64 numbering: rax rdx rcx rbx
 * rsi rdi rbp rsp r8..r15 rip (17 values). */
#define ADDRSPACE_NREGS 17

/* A user stack snapshot: stack_len bytes copied from address sp upward. */
struct stack_snapshot {
	pid_t tid;
	uint64_t regs[ADDRSPACE_NREGS];
	const unsigned char *stack; /* borrowed for the call */
	size_t stack_len;
	int live_reads; /* a BEAM VM: after the first JIT frame, read the live
			 * process (its Erlang chain, checked by the walker) for
			 * anything not in the copy; 0: JIT frames are walked in
			 * the copy only, native ones as "Deep frames" says */
	/* Erlang frames read at the sample (the BPF program,
	 * bpf/beamstack.h): with erl_given, the frame-pointer walk through
	 * JIT code takes them instead of reading the chain from the live
	 * process.  They are used only when erl_fp0, the frame pointer the
	 * chain started at, is the rbp the unwinder recovered at the first
	 * JIT frame (in C code under a JIT helper: at E too, the helper's
	 * own frame; addrspace_unwind.c, jit_chain, says when an rbp outside
	 * the stack's block is accepted); else the walk stops there,
	 * truncated.  erl_e is the
	 * Erlang stack pointer, erl_w0 the word at it (the caller of a
	 * frameless JIT helper); erl_complete: the chain ended at the
	 * bottom of the Erlang stack.  erl_ra is borrowed for the call. */
	int erl_given, erl_complete;
	int erl_estack; /* the sample's rsp was on the Erlang stack (JIT code) */
	const uint64_t *erl_ra;
	size_t erl_n;
	uint64_t erl_fp0, erl_e, erl_w0;
	uint64_t erl_heap, erl_hend; /* the process's heap + stack block */
	/* Without erl_given: the Erlang stack read live (after the sample)
	 * is taken only when its first return address is confirmed by the
	 * sample (addrspace_unwind.c, late_ok); else the walk stops there
	 * and counts in addrspace_erl_unconfirmed. */
	int check_late;
	/* More of the stack as it was at the sample, beyond the copy:
	 * seg_len bytes from address seg_base (the BPF program's copy of a
	 * BEAM scheduler's C stack top, BEAMBPF_CS_MAX); NULL: none.
	 * Borrowed for the call. */
	const unsigned char *seg;
	uint64_t seg_base;
	size_t seg_len;
};

/* Unwinds a snapshot: pcs[0] is the sampled pc, then return addresses.
 * (A snapshot with erl_given whose chain cannot be used counts in
 * addrspace_erl_mismatch.)
 * *n gets the number of pcs (<= max).  Returns 0 when the walk reached the
 * root of the stack, 1 when it stopped early (truncated: no CFI, stack copy
 * too small, max reached), or a negative errno. */
int addrspace_unwind(struct addrspace *as, const struct stack_snapshot *snap,
		     uint64_t *pcs, size_t max, size_t *n);

/* A variable read at the sample.  addrspace_watch_var names a function
 * (its symbol; a compiler-split part "fn.cold" is the function too) and
 * one of its local variables or parameters (fn and var are copied; a new
 * watch replaces the old one).  addrspace_unwind_vars then gives, for
 * every frame of that function, the variable's value at the sample, where
 * the function's DWARF (location lists, libdw) says where it is at that
 * pc: in a register the unwinder recovered for the frame, or in the
 * sample's stack copy.  Live memory is never read for it.  0 or -ENOMEM. */
int addrspace_watch_var(struct addrspace *as, const char *fn, const char *var);

/* What addrspace_unwind_vars says of a frame (have[i]). */
enum {
	ADDRSPACE_VAR_NOTFN = 0, /* not the watched function */
	ADDRSPACE_VAR_UNKNOWN,   /* the function, but the value is not known
				  * (no location at that pc, a register the
				  * unwinder could not recover, an address
				  * outside the stack copy) */
	ADDRSPACE_VAR_READ,      /* vals[i] is the value at the sample */
};

/* As addrspace_unwind, and for each pcs[i] have[i] and vals[i] (arrays of
 * max entries, owned by the caller). */
int addrspace_unwind_vars(struct addrspace *as,
			  const struct stack_snapshot *snap, uint64_t *pcs,
			  uint64_t *vals, unsigned char *have, size_t max,
			  size_t *n);

/* Walks of as whose Erlang chain read at the sample did not start at the
 * frame the unwinder reached (its frames were left out), since it was
 * created. */
uint64_t addrspace_erl_mismatch(const struct addrspace *as);

/* Walks of as (with check_late) whose Erlang frames, read from the live
 * process, the sample did not confirm: the walk stopped before them. */
uint64_t addrspace_erl_unconfirmed(const struct addrspace *as);

/* Calls fn for every file mapping, in address order; stops at the first
 * non-zero return and returns it. */
typedef int (*addrspace_map_fn)(void *ctx, uint64_t start, uint64_t end,
				uint64_t pgoff, uint32_t prot, const char *path);
int addrspace_foreach_map(const struct addrspace *as, addrspace_map_fn fn,
			  void *ctx);

/* Number of file mappings known (for tests). */
size_t addrspace_nmaps(const struct addrspace *as);

#endif
