/* Unwinding a sampled user stack with libdwfl: CFI where a module has it,
 * frame pointers (elfutils' x86-64 fallback) where it does not. */
#include "addrspaceP.h"

#include <dwarf.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/uio.h>

struct walk {
	struct addrspace *as;
	const struct stack_snapshot *snap; /* the sample's */
	uint64_t *pcs;
	size_t max, n;
	int full;     /* stopped because max was reached */
	int jit;      /* stopped at a JIT frame: continue by frame pointers */
	int stale;    /* stopped at a pc in a file libdwfl does not know yet */
	int retried;  /* this is the walk after such a rebuild */
	int resumed;  /* the first frame is a return address, given as ra-1 */
	int root;     /* stopped at a root function (at_root) */
	int bad_ra;   /* stopped at a live return address ra_calls refused */
	size_t indirect_at; /* the first frame whose live return address
			     * follows an unchecked indirect call, or SIZE_MAX */
	uint64_t rip; /* where a frame-pointer walk left JIT code */
	size_t n_copy; /* pcs found before the first live read */
	uint64_t rbp, rsp, rbx;
	uint64_t rbx_last; /* rbx of the last frame that knew it (frame_reg) */
	int have_rbx;
	/* the watched variable (addrspace_unwind_vars): NULL have, none */
	uint64_t *vals;
	unsigned char *have;
	const struct varloc *pend; /* frame pend_i's, until its CFA is known */
	size_t pend_i;
	struct var_frame pf;
};

/* Whether pc is JIT code known to the perf map (and in no ELF module). */
static int in_jit(struct addrspace *as, uint64_t pc, enum frame_kind *kind)
{
	const char *name;
	enum frame_kind k;

	/* The perf map decides first, whatever mapping (a stale one, or a
	 * file just below: libdwfl attributes addresses past a module's end
	 * to it) the address seems to be near (docs/beam.md, issue 11). */
	if (!as->jit || as->jit(as->jit_ctx, pc, &name, &k) != 0)
		return 0;
	if (kind)
		*kind = k;
	return 1;
}

static bool get_thread(Dwfl *dwfl, pid_t tid, void *arg, void **targ)
{
	*targ = arg;
	return true;
}

static pid_t next_thread(Dwfl *dwfl, void *arg, void **targ)
{
	struct addrspace *as = arg;

	if (*targ)
		return 0;
	*targ = arg;
	return as->snap->tid;
}

/* Deep frames: a stack copy of 8 KiB does not hold the callers of a
 * function with a big frame (bzip2, the sqlite3 shell).  When the walk
 * needs a word above the copy, it reads the live stack -- but only while
 * the copy's top VERIFY_BYTES still equal live memory: the thread has not
 * returned out of those frames since the sample, so the older frames
 * above them are the ones it had.  addrspace_unwind checks again after the
 * walk and drops the frames found beyond the copy if they changed
 * meanwhile (docs/record.md, "Deep frames"). */
#define VERIFY_BYTES 512

/* 1 when the top of the copy matches the live stack, 0 when not. */
static int copy_top_live(struct addrspace *as)
{
	const struct stack_snapshot *s = as->snap;
	unsigned char buf[VERIFY_BYTES];
	size_t n = s->stack_len < VERIFY_BYTES ? s->stack_len : VERIFY_BYTES;
	struct iovec local = { buf, n };
	struct iovec remote = {
		(void *)(uintptr_t)(as->stack_base + s->stack_len - n), n
	};

	return n > 0 &&
	       process_vm_readv(as->pid, &local, 1, &remote, 1, 0) == (ssize_t)n &&
	       !memcmp(buf, s->stack + s->stack_len - n, n);
}

/* The n bytes at addr in the sample's stack copy, or in the segment the
 * BPF record carried; NULL when they are not all in one of them. */
static const unsigned char *copy_at(const struct addrspace *as, uint64_t addr,
				    size_t n)
{
	const struct stack_snapshot *s = as->snap;

	if (addr >= as->stack_base && addr - as->stack_base <= s->stack_len &&
	    s->stack_len - (addr - as->stack_base) >= n)
		return s->stack + (addr - as->stack_base);
	if (s->seg && addr >= s->seg_base && addr - s->seg_base <= s->seg_len &&
	    s->seg_len - (addr - s->seg_base) >= n)
		return s->seg + (addr - s->seg_base);
	return NULL;
}

static bool memory_read(Dwfl *dwfl, Dwarf_Addr addr, Dwarf_Word *result,
			void *arg)
{
	struct addrspace *as = arg;
	const struct stack_snapshot *s = as->snap;
	uint64_t sp = as->stack_base;
	const unsigned char *c = copy_at(as, addr, sizeof *result);

	if (c) {
		memcpy(result, c, sizeof *result);
		return true;
	}
	if (!as->live_free && addr >= sp + s->stack_len && !as->live_state)
		as->live_state = copy_top_live(as) ? 1 : -1;
	if (as->live_free || (addr >= sp + s->stack_len && as->live_state > 0)) {
		struct iovec local = { result, sizeof *result };
		struct iovec remote = { (void *)(uintptr_t)addr, sizeof *result };

		if (process_vm_readv(as->pid, &local, 1, &remote, 1, 0) ==
		    (ssize_t)sizeof *result) {
			if (!as->live_free)
				as->live_used = 1;
			return true;
		}
	}
	/* libdwfl takes an unreadable return address for the end of the
	 * stack: remember that this end was not a real one.  Not below the
	 * sampled sp: no live frame keeps its return address there, only
	 * dead save slots that CFI still describes in an epilogue (after
	 * "pop %rbx" gcc's CFI still says rbx is at CFA-24); libdwfl then
	 * leaves that register unknown, which ends the walk with an error if
	 * a caller's frame needs it. */
	if (addr >= sp)
		as->read_failed = 1;
	return false;
}

static bool set_initial_registers(Dwfl_Thread *thread, void *arg)
{
	struct addrspace *as = arg;
	const uint64_t *r = as->snap->regs;

	if (as->fp_regs_only) /* rbp, rsp (6, 7) and rip (16) */
		return dwfl_thread_state_registers(thread, 6, 2, r + 6) &&
		       dwfl_thread_state_registers(thread, 16, 1, r + 16);
	return dwfl_thread_state_registers(thread, 0, ADDRSPACE_NREGS, r);
}

static const Dwfl_Thread_Callbacks thread_callbacks = {
	.next_thread = next_thread,
	.get_thread = get_thread,
	.memory_read = memory_read,
	.set_initial_registers = set_initial_registers,
};

/* Whether the return address ra is in a function where every stack
 * starts: ld.so's entry (_start, then _dl_start_user after _dl_start
 * returns) has no CFI at all, so libdwfl, asked to unwind it, falls back
 * to the module's .debug_frame and loads the whole separate debug file
 * for it (inflating its compressed sections: with libc6-dbg installed
 * that was ~30% of the recorder's CPU on a parallel build, once per
 * process).  The walk ends there instead; stack_is_root agrees. */
static int at_root(struct addrspace *as, uint64_t ra)
{
	Dwfl_Module *mod = dwfl_addrmodule(as->dwfl, ra - 1);

	return mod && addrspace_symtab_is_root(as, mod, ra - 1);
}

/* The pending frame's variable, now that its CFA is known (or not). */
static void var_settle(struct walk *w, int have_cfa, uint64_t cfa)
{
	uint64_t v;

	if (!w->pend)
		return;
	w->pf.have_cfa = have_cfa;
	w->pf.cfa = cfa;
	if (addrspace_var_eval(w->pend, &w->pf, w->as->snap,
			       w->as->stack_base, &v) == 0) {
		w->vals[w->pend_i] = v;
		w->have[w->pend_i] = ADDRSPACE_VAR_READ;
	}
	w->pend = NULL;
}

/* Register r of the frame in state, as dwfl_frame_reg; rbx (3) is
 * callee-saved, so a frame whose CFI has no rule for it holds its callee's
 * value.  libdw 0.188's x86-64 ABI defaults (backends/x86_64_cfi.c) mark
 * register 0 (rax) same-value where they mean 3 (rbx), so libdwfl reports
 * rbx unknown above every function that does not save it: a leaf C
 * function under a BEAM JIT helper (erts_trapping_length_1 under
 * i_length_body_shared) hid the scheduler's registers block, and the
 * sample lost its native root (sched_frames).  frame_cb keeps the last
 * known value (w->rbx_last) for this. */
static int frame_reg(struct walk *w, Dwfl_Frame *state, unsigned r,
		     Dwarf_Word *x)
{
	if (dwfl_frame_reg(state, r, x) == 0)
		return 0;
	if (r != 3 || !w->have_rbx)
		return -1;
	*x = w->rbx_last;
	return 0;
}

/* Frame w->n - 1 (state, at address a): its caller's sp is the CFA of
 * the frame before; if it is in the watched function, its registers are
 * kept until its own CFA is known (at the next frame). */
static void var_frame(struct walk *w, Dwfl_Frame *state, uint64_t a)
{
	const struct varloc *v;
	Dwarf_Word x;
	int have_sp;

	if (!w->have)
		return;
	have_sp = dwfl_frame_reg(state, 7, &x) == 0;
	var_settle(w, have_sp, have_sp ? x : 0);
	v = addrspace_var_at(w->as, a);
	if (!v)
		return;
	w->have[w->n - 1] = ADDRSPACE_VAR_UNKNOWN;
	w->pend = v;
	w->pend_i = w->n - 1;
	w->pf.known = 0;
	for (unsigned r = 0; r < ADDRSPACE_NREGS; r++)
		if (frame_reg(w, state, r, &x) == 0) {
			w->pf.regs[r] = x;
			w->pf.known |= 1u << r;
		}
}

/* Length of an indirect call (ff /2) whose ModRM byte is m, or 0. */
static int ff2_len(unsigned char m)
{
	int mod = m >> 6, rm = m & 7, sib = rm == 4 && mod != 3;

	if (((m >> 3) & 7) != 2)
		return 0;
	if (mod == 3)
		return 2;
	if (mod == 1)
		return 3 + sib;
	if (mod == 2)
		return 6 + sib;
	return rm == 5 ? 6 : 2 + sib; /* mod 0: rip-relative or [reg] */
}

/* Whether the bytes before ra end with a call instruction (e8 rel32, or
 * ff /2 with an optional REX prefix): a return address a frame-pointer
 * chain claims is checked before a CFI walk is resumed from it. */
static int after_call(struct addrspace *as, uint64_t ra)
{
	unsigned char b[8];
	struct iovec local = { b, sizeof b };
	struct iovec remote = { (void *)(uintptr_t)(ra - 8), sizeof b };

	if (ra < 8 || process_vm_readv(as->pid, &local, 1, &remote, 1, 0) !=
			      (ssize_t)sizeof b)
		return 0;
	if (b[3] == 0xe8)
		return 1;
	for (int k = 2; k <= 7; k++) {
		int at = 8 - k, len;

		if (b[at] == 0xff) {
			len = ff2_len(b[at + 1]);
			if (len == k)
				return 1;
		}
		if (at + 1 < 8 && (b[at] & 0xf0) == 0x40 && b[at + 1] == 0xff) {
			len = at + 2 < 8 ? ff2_len(b[at + 2]) : 0;
			if (len && len + 1 == k)
				return 1;
		}
	}
	return 0;
}

/* Whether the C function at fn goes on in the one at c: fn is c, or one
 * of its first 64 bytes starts a jump (e9 rel32) to c (a tail call, as
 * BEAM's list_to_binary_1 makes to erts_list_to_binary_bif). */
static int reaches(struct addrspace *as, uint64_t fn, uint64_t c)
{
	unsigned char b[64];
	struct iovec local = { b, sizeof b };
	struct iovec remote = { (void *)(uintptr_t)fn, sizeof b };

	if (fn == c)
		return 1;
	if (process_vm_readv(as->pid, &local, 1, &remote, 1, 0) !=
	    (ssize_t)sizeof b)
		return 0;
	for (size_t i = 0; i + 5 <= sizeof b; i++) {
		int32_t rel;

		if (b[i] != 0xe9)
			continue;
		memcpy(&rel, b + i + 1, sizeof rel);
		if (fn + i + 5 + (uint64_t)(int64_t)rel == c)
			return 1;
	}
	return 0;
}

/* The code address of the walk's last frame: the sampled pc, or a
 * return address less one (inside the call). */
static uint64_t last_pc(const struct walk *w)
{
	return w->pcs[w->n - 1] - (w->n > 1 ? 1 : 0);
}

/* Whether a walk that returned rc ended at the stack's root: a root
 * function (at_root), or an end the CFI states, with no read refused or
 * failed on the way (libdwfl also ends, rc 0, at a return address of 0,
 * which is no root). */
static int walk_ended(struct addrspace *as, const struct walk *w, int rc)
{
	return w->root || (rc == 0 && w->n && !w->bad_ra && !as->read_failed &&
			   addrspace_cfi_outermost(as, last_pc(w)));
}

/* Where a PLT entry at t jumps (its GOT slot, read live), or 0 when t is
 * no PLT entry (jmp *rel32(%rip), after an endbr64 and a bnd prefix). */
static uint64_t plt_target(struct addrspace *as, uint64_t t)
{
	unsigned char b[16];
	struct iovec local = { b, sizeof b };
	struct iovec remote = { (void *)(uintptr_t)t, sizeof b };
	uint64_t got;

	if (process_vm_readv(as->pid, &local, 1, &remote, 1, 0) !=
	    (ssize_t)sizeof b)
		return 0;
	for (size_t i = 0; i <= 5; i++) {
		int32_t rel;

		if (b[i] != 0xff || b[i + 1] != 0x25)
			continue;
		memcpy(&rel, b + i + 2, sizeof rel);
		got = t + i + 6 + (uint64_t)(int64_t)rel;
		remote = (struct iovec){ (void *)(uintptr_t)got, sizeof got };
		local = (struct iovec){ &got, sizeof got };
		if (process_vm_readv(as->pid, &local, 1, &remote, 1, 0) !=
		    (ssize_t)sizeof got)
			return 0;
		return got;
	}
	return 0;
}

/* Whether ra, a return address the CFI walk took from the live stack
 * (beyond the copy: "Deep frames" in docs/record.md), belongs to a call
 * into the function holding callee (the frame below).  The copy's top
 * being unchanged does not prove the thread is still in a frame whose
 * return address lies far above it (a 16 KiB buffer of beam.smp left
 * untouched keeps the copy's top the same after the function returned,
 * and the calls made since rewrote its return slot: a wrong caller).  So
 * the bytes before ra must be a call; a direct call (e8 rel32) must go to
 * callee's function, to a function that tail-jumps there, or to a PLT
 * entry whose GOT slot holds one of those; so must a call through a
 * rip-relative pointer (ff 15: -fno-plt).  Returns 1 when so, 0 when not,
 * 2 for a call through a register or other memory, whose target is gone:
 * the caller decides (frame_cb: only next to the stack's root, where
 * libc calls main and a thread's function so).  Code is read live: it
 * does not change. */
static int ra_calls(struct addrspace *as, uint64_t ra, uint64_t callee)
{
	unsigned char b[6];
	struct iovec local = { b, sizeof b };
	struct iovec remote = { (void *)(uintptr_t)(ra - 6), sizeof b };
	uint64_t start, t, t2;
	int32_t rel;

	if (!after_call(as, ra) ||
	    process_vm_readv(as->pid, &local, 1, &remote, 1, 0) !=
		    (ssize_t)sizeof b)
		return 0;
	start = addrspace_fde_start(as, callee);
	if (b[0] == 0xff && b[1] == 0x15) { /* call *rel32(%rip) */
		memcpy(&rel, b + 2, sizeof rel);
		t = ra + (uint64_t)(int64_t)rel;
		local = (struct iovec){ &t2, sizeof t2 };
		remote = (struct iovec){ (void *)(uintptr_t)t, sizeof t2 };
		return start &&
		       process_vm_readv(as->pid, &local, 1, &remote, 1, 0) ==
			       (ssize_t)sizeof t2 &&
		       reaches(as, t2, start);
	}
	if (b[1] != 0xe8)
		return 2; /* through a register or memory */
	if (!start)
		return 0;
	memcpy(&rel, b + 2, sizeof rel);
	t = ra + (uint64_t)(int64_t)rel;
	if (reaches(as, t, start))
		return 1;
	t2 = plt_target(as, t);
	return t2 && reaches(as, t2, start);
}

static int frame_cb(Dwfl_Frame *state, void *arg)
{
	struct walk *w = arg;
	Dwarf_Addr pc;
	bool activation;

	/* the pc alone first: asking whether the frame is an activation
	 * makes libdwfl unwind it (see at_root) */
	if (!dwfl_frame_pc(state, &pc, NULL))
		return DWARF_CB_ABORT;
	if (pc == 0)
		return DWARF_CB_OK;
	if (w->as->live_used && !w->as->live_free && w->n > 0) {
		int ok = ra_calls(w->as, pc, last_pc(w));

		if (ok == 0) {
			w->bad_ra = 1;
			return DWARF_CB_ABORT;
		}
		if (ok == 2 && w->indirect_at == SIZE_MAX)
			w->indirect_at = w->n;
	}
	if (w->n > 0 && !w->resumed && w->n < w->max &&
	    !(w->as->dirty && !w->retried) && at_root(w->as, pc)) {
		w->pcs[w->n++] = pc;
		w->root = 1;
		return DWARF_CB_ABORT;
	}
	if (!dwfl_frame_pc(state, &pc, &activation))
		return DWARF_CB_ABORT;
	if (w->resumed) { /* a CFI walk resumed at a return address */
		w->resumed = 0;
		pc += 1;
		activation = false;
	}
	/* Modules are rebuilt lazily: a library mapped since the last build
	 * (ld.so at start-up, dlopen) is unknown to libdwfl, which would end
	 * the walk there as if it were the root.  Rebuild and walk again. */
	if (w->as->dirty && !w->retried &&
	    addrspace_module_stale(w->as, activation ? pc : pc - 1)) {
		w->stale = 1;
		return DWARF_CB_ABORT;
	}
	if (w->as->live_used && w->n_copy > w->n)
		w->n_copy = w->n;
	w->pcs[w->n++] = pc;
	{
		Dwarf_Word bx;

		if (frame_reg(w, state, 3, &bx) == 0) {
			w->rbx_last = bx;
			w->have_rbx = 1;
		}
	}
	var_frame(w, state, activation ? pc : pc - 1);
	if (in_jit(w->as, activation ? pc : pc - 1, NULL)) {
		/* JIT code has no CFI: take the registers CFI recovered for
		 * this frame and walk the frame-pointer chain ourselves */
		Dwarf_Word bp, sp;

		if (dwfl_frame_reg(state, 6, &bp) == 0 &&
		    dwfl_frame_reg(state, 7, &sp) == 0) {
			w->jit = 1;
			w->rbp = bp;
			w->rsp = sp;
			w->rbx = w->have_rbx ? w->rbx_last : 0;
		}
		return DWARF_CB_ABORT;
	}
	if (w->n == w->max) {
		w->full = 1;
		return DWARF_CB_ABORT;
	}
	return DWARF_CB_OK;
}

static int read_word(struct addrspace *as, uint64_t addr, uint64_t *v)
{
	Dwarf_Word w;

	if (!memory_read(as->dwfl, addr, &w, as))
		return -1;
	*v = w;
	return 0;
}

uint64_t addrspace_erl_mismatch(const struct addrspace *as)
{
	return as->erl_mismatch;
}

static const char *jit_name(struct addrspace *as, uint64_t addr, char *buf,
			    size_t len);

/* jit_walk with the chain read at the sample (snapshot's erl_*): the same
 * rules, no reads.  Returns 0 at the bottom of the Erlang stack, 1 when
 * it stopped early. */
static int jit_chain(struct addrspace *as, struct walk *w,
		     const struct stack_snapshot *s)
{
	enum frame_kind kind;

	if (w->rbp == 0 && s->erl_fp0 == 0 && s->erl_complete)
		return 0; /* no process: the JIT zeroes rbp around erts_schedule */
	/* The scheduler loop's own calls (erts_schedule, copying registers
	 * in and out) from the JIT's process_main, rbp zeroed: no Erlang
	 * frame is a caller there, whatever process is still current (its
	 * state says running until erts_schedule switches it out; the chain
	 * read from its stop is where it will resume).  Measured on bifrot:
	 * ~1% of samples, [truncated] before. */
	if (w->rbp == 0 && !s->erl_estack) {
		char nb[64];
		const char *top = jit_name(as, last_pc(w), nb, sizeof nb);

		if (top && !strcmp(top, "process_main"))
			return 0;
	}
	/* The chain must start at the frame the CFI walk reached.  In C code
	 * under a JIT helper it must also be the helper's own frame, pushed
	 * at E (c_p->stop): a frameless helper's caller is not known for
	 * sure (the return address at E may be an older call's when the
	 * helper did not update stop).  There the rbp the CFI walk recovered
	 * may lie outside the process's heap block: in the old block after a
	 * garbage collection moved the stack; then a chain read whole to its
	 * bottom is taken (measured: fewer [truncated] BIF samples, 0.1-0.6%
	 * against 0.5-1.3%, and as few wrong callers, ~0.1%: the one case
	 * seen looked like a block still holding an older copy).  An rbp
	 * inside the block but not at E says that stop is older than the
	 * call, and an rbp of 0 confirms nothing: no chain. */
	if (s->erl_estack ? w->rbp != s->erl_fp0
			  : s->erl_fp0 != s->erl_e ||
				    (w->rbp != s->erl_fp0 &&
				     (w->rbp == 0 || !s->erl_complete ||
				      (w->rbp >= s->erl_heap && w->rbp < s->erl_hend)))) {
		as->erl_mismatch++;
		return 1;
	}
	/* a leaf in a frameless JIT helper: its caller's return address is
	 * at E = rsp, and rbp still belongs to that caller's caller */
	if (s->erl_estack && w->n == 1 && s->erl_e != s->erl_fp0 &&
	    in_jit(as, w->pcs[0], &kind) && kind == FK_JIT && s->erl_w0 &&
	    in_jit(as, s->erl_w0 - 1, &kind) && kind == FK_ERLANG)
		w->pcs[w->n++] = s->erl_w0;
	for (size_t i = 0; i < s->erl_n; i++) {
		if (w->n >= w->max || !in_jit(as, s->erl_ra[i] - 1, NULL))
			return 1;
		w->pcs[w->n++] = s->erl_ra[i];
	}
	return s->erl_complete ? 0 : 1;
}

uint64_t addrspace_erl_unconfirmed(const struct addrspace *as)
{
	return as->erl_unconfirmed;
}

/* The JIT symbol's name at addr, copied to buf (the source's is borrowed
 * until its next call); NULL if addr is no JIT code. */
static const char *jit_name(struct addrspace *as, uint64_t addr, char *buf,
			    size_t len)
{
	const char *name;
	enum frame_kind kind;

	if (!as->jit || addrspace_covers(as, addr) ||
	    as->jit(as->jit_ctx, addr, &name, &kind) != 0 || !name)
		return NULL;
	snprintf(buf, len, "%s", name);
	return buf;
}

/* JIT helpers that go on in another one with the caller's return address
 * left in place: BEAM's call_light_bif_shared continues in call_bif_shared
 * (through the export entry) when the BIF cannot run as a light one. */
static const char *const helper_continues[][2] = {
	{ "call_light_bif_shared", "call_bif_shared" },
};

/* Whether a call into helper called may show, at the sample, as the
 * native part stopped in helper top. */
static int same_helper(const char *called, const char *top)
{
	if (!strcmp(called, top))
		return 1;
	for (size_t i = 0; i < sizeof helper_continues / sizeof *helper_continues; i++)
		if (!strcmp(called, helper_continues[i][0]) &&
		    !strcmp(top, helper_continues[i][1]))
			return 1;
	return 0;
}

/* Whether ra, the first return address read from the live process's
 * Erlang stack (after the sample: the process may have moved on), is
 * confirmed by what the kernel captured.  The instruction before it must
 * be a direct call (e8 rel32) into the JIT function or helper the native
 * part of the sample stopped in (the same perf-map symbol, or one it
 * goes on in: helper_continues); and when that is a helper that called a
 * C function (the frame leafward of it), an address loaded in the 35
 * bytes before the call (movabs: how BEAM's JIT hands a BIF to
 * call_light_bif_shared) that points into executable file code must be
 * that C function's first address, or tail-call it.  The code is read live:
 * JIT code does not change while it is loaded. */
static int late_ok(struct addrspace *as, struct walk *w, uint64_t ra)
{
	unsigned char b[40];
	struct iovec local = { b, sizeof b };
	struct iovec remote = { (void *)(uintptr_t)(ra - sizeof b), sizeof b };
	uint64_t top = w->pcs[w->n - 1], target, cstart = 0;
	char n1[256], n2[256];
	const char *top_name, *called;
	enum frame_kind kind;
	int32_t rel;

	if (w->n > 1)
		top -= 1; /* a return address */
	if (ra < sizeof b ||
	    process_vm_readv(as->pid, &local, 1, &remote, 1, 0) !=
		    (ssize_t)sizeof b ||
	    b[sizeof b - 5] != 0xe8)
		return 0;
	memcpy(&rel, b + sizeof b - 4, sizeof rel);
	target = ra + (uint64_t)(int64_t)rel;
	top_name = jit_name(as, top, n1, sizeof n1);
	called = jit_name(as, target, n2, sizeof n2);
	if (!top_name || !called || !same_helper(called, top_name))
		return 0;
	if (w->n < 2 || !in_jit(as, top, &kind) || kind != FK_JIT) {
		return 1;
	} else {
		uint64_t c = w->pcs[w->n - 2] - (w->n > 2 ? 1 : 0);
		Dwfl_Module *mod = dwfl_addrmodule(as->dwfl, c);

		if (!mod || !addrspace_symtab_find(as, mod, c, &cstart))
			return 0; /* the C function is not known */
	}
	for (size_t i = 0; i + 10 <= sizeof b - 5; i++) {
		const struct mapping *m;
		uint64_t imm;

		if ((b[i] != 0x48 && b[i] != 0x49) || (b[i + 1] & 0xf8) != 0xb8)
			continue;
		memcpy(&imm, b + i + 2, sizeof imm);
		m = addrspace_find_map(as, imm);
		if (m && (m->prot & PROT_EXEC) && !reaches(as, imm, cstart))
			return 0;
	}
	return 1;
}

/* The frame-pointer walk through JIT frames (BEAM's x86-64 JIT and V8
 * keep rbp chains: [rbp] = caller's rbp, [rbp+8] = return address).
 * Returns 0 when the chain ended with a zero rbp (the bottom of the
 * stack), 2 when it returns into native code of a file mapping (V8's
 * JSEntry into node's C++: w->rip, w->rsp, w->rbp are that frame's
 * registers, to resume with CFI), 1 when it stopped early.
 *
 * A JIT process other than BEAM (V8: its frames are on the thread's own
 * stack, in the copy) is walked by frame pointers within the copy only.
 * Beyond it the live stack was read before, and it lied: two recursions
 * that never call each other (walkA, walkB 400 deep, alternating) came
 * out as one chain in 818 of 1,240 samples, walkA's frames under walkB's.
 * The thread had returned out of the sampled chain and entered the other
 * one; the copy's top, compared with live memory, still matched (dead
 * stack keeps its bytes), and V8 calls through registers, so no return
 * address can be checked against the frame below as for native code
 * (ra_calls).  Such a stack is cut at the copy: [truncated]. */
static int jit_walk(struct addrspace *as, struct walk *w)
{
	uint64_t rbp = w->rbp, ra, next;
	enum frame_kind kind;
	int first = 1, check = w->snap && w->snap->check_late;

	if (w->snap && w->snap->erl_given)
		return jit_chain(as, w, w->snap);

	/* A leaf in a frameless JIT helper: its caller's return address is
	 * at [rsp], and rbp still belongs to that caller's caller. */
	if (w->n == 1 && w->rsp != rbp && in_jit(as, w->pcs[0], &kind) &&
	    kind == FK_JIT && read_word(as, w->rsp, &ra) == 0 &&
	    in_jit(as, ra - 1, &kind) && kind == FK_ERLANG) {
		if (check && !late_ok(as, w, ra)) {
			as->erl_unconfirmed++;
			return 1;
		}
		first = 0;
		w->pcs[w->n++] = ra;
	}
	while (w->n < w->max) {
		if (rbp == 0)
			return 0;
		if (!as->live_free && !copy_at(as, rbp, 16))
			return 1; /* V8's frames beyond the copy: see above */
		if (read_word(as, rbp + 8, &ra) || read_word(as, rbp, &next))
			return 1;
		if (check && first && in_jit(as, ra - 1, NULL) &&
		    !late_ok(as, w, ra)) {
			as->erl_unconfirmed++;
			return 1;
		}
		first = 0;
		if (!in_jit(as, ra - 1, NULL)) {
			const struct mapping *m = addrspace_find_map(as, ra - 1);

			/* a chain that leaves JIT code for a file must
			 * land right after a call there, with its frame
			 * above the JIT frames: else it is no chain */
			if (!m || !(m->prot & PROT_EXEC) || !after_call(as, ra))
				return 1;
			w->rip = ra;
			w->rsp = rbp + 16;
			w->rbp = next;
			return 2;
		}
		w->pcs[w->n++] = ra;
		if (next != 0 && next <= rbp)
			return 1;
		rbp = next;
	}
	return 1;
}

/* Under the Erlang stack: BEAM's JIT entry ($global::process_main) keeps
 * its scheduler registers block at rbx, and the return address into the C
 * function process_main lies in one of the slots right above the block
 * (docs/beam.md, 2(c)).  When found, the C frames below it (process_main,
 * sched_thread_func, ..., clone3) are unwound with CFI from there. */
#define SCHED_SLOT_FIRST 0x4090
#define SCHED_SLOT_LAST 0x40c8

static int sched_frames(struct addrspace *as, const struct stack_snapshot *snap,
			struct walk *w)
{
	struct stack_snapshot s2;
	struct walk w2;
	uint64_t ra;
	int rc, end;

	if (!w->rbx)
		return 1;
	for (uint64_t off = SCHED_SLOT_FIRST; off <= SCHED_SLOT_LAST; off += 8) {
		Dwfl_Module *mod;
		const char *name;

		if (read_word(as, w->rbx + off, &ra))
			return 1;
		mod = dwfl_addrmodule(as->dwfl, ra - 1);
		name = mod ? dwfl_module_addrname(mod, ra - 1) : NULL;
		if (!name || strcmp(name, "process_main") != 0)
			continue;
		s2 = *snap;
		s2.regs[16] = ra;
		s2.regs[7] = w->rbx + off + 8;
		w2 = (struct walk){ .as = as, .pcs = w->pcs + w->n,
				    .indirect_at = SIZE_MAX,
				    .max = w->max - w->n, .retried = 1 };
		as->snap = &s2;
		as->read_failed = 0;
		rc = dwfl_getthread_frames(as->dwfl, snap->tid, frame_cb, &w2);
		/* whole only to a root: clone3, or an end the CFI states */
		end = walk_ended(as, &w2, rc);
		as->snap = snap;
		w->n += w2.n;
		return end ? 0 : 1;
	}
	return 1;
}

/* dwfl_getmodules callback: the first module with an ELF (a vDSO or a
 * deleted file may not be readable). */
static int first_elf_cb(Dwfl_Module *mod, void **user, const char *name,
			Dwarf_Addr start, void *arg)
{
	Elf **out = arg;
	GElf_Addr bias;
	const char *sp = name ? strrchr(name, ' ') : NULL;

	if (name && (!strncmp(name, "[vdso", 5) ||
		     (sp && !strcmp(sp, " (deleted)"))))
		return DWARF_CB_OK;
	*out = dwfl_module_getelf(mod, &bias);
	return *out ? DWARF_CB_ABORT : DWARF_CB_OK;
}

/* The libdwfl part of a walk.  Returns dwfl_getthread_frames's result,
 * 1 when a read failed (or libdwfl could not attach), or -errno. */
static int cfi_walk(struct addrspace *as, const struct stack_snapshot *snap,
		    uint64_t stack_base, struct walk *w)
{
	int rc;

	if (!as->attached) {
		Elf *elf = NULL;

		/* An ELF passed explicitly makes the attached state own its
		 * backend; with NULL it borrows the first module's, which a
		 * rebuild that drops that module frees under it (libdwfl
		 * then asserts 'nregs > 0' or crashes in the next walk). */
		dwfl_getmodules(as->dwfl, first_elf_cb, &elf, 0);
		if (!elf || !dwfl_attach_state(as->dwfl, elf, as->pid,
					       &thread_callbacks, as))
			return 1; /* no module with an ELF yet */
		as->attached = 1;
	}
	as->snap = snap;
	as->stack_base = stack_base;
	as->read_failed = 0;
	if (as->fp_regs_only)
		w->have_rbx = 0; /* not given: the JIT frames may have set it */
	rc = dwfl_getthread_frames(as->dwfl, snap->tid, frame_cb, w);
	var_settle(w, 0, 0); /* the last frame's caller is not known */
	/* After checked live reads (beyond the copy), an end of the stack
	 * counts only where the CFI says so (_start): not a 0 read there.
	 * And a return address after an unchecked indirect call is kept
	 * only as libc's call of main or of a thread's function, within two
	 * frames of that end (__libc_start_call_main, __libc_start_main,
	 * _start; start_thread, clone3); else (clock_gettime's call into
	 * the vDSO, in a slot rewritten since the sample) the stack is cut
	 * there. */
	if (as->live_used && !as->live_free && !w->jit && w->n) {
		int end = walk_ended(as, w, rc);

		if (w->indirect_at != SIZE_MAX &&
		    !(end && w->n - 1 - w->indirect_at <= 2)) {
			w->n = w->indirect_at;
			end = 0;
		}
		return end ? 0 : 1;
	}
	if (w->root)
		rc = 0;
	else if ((as->read_failed || w->bad_ra) && !w->jit)
		rc = 1;
	else if (rc == 0 && !w->jit && w->n && !walk_ended(as, w, rc))
		rc = 1; /* libdwfl took a 0 return address for the end: not
			 * a root (node: OSSL_DECODER_is_a's asm-level CFI) */
	return rc;
}

int addrspace_unwind(struct addrspace *as, const struct stack_snapshot *snap,
		     uint64_t *pcs, size_t max, size_t *n)
{
	return addrspace_unwind_vars(as, snap, pcs, NULL, NULL, max, n);
}

int addrspace_unwind_vars(struct addrspace *as,
			  const struct stack_snapshot *snap, uint64_t *pcs,
			  uint64_t *vals, unsigned char *have, size_t max,
			  size_t *n)
{
	struct walk w = { .as = as, .snap = snap, .pcs = pcs, .max = max,
			  .n_copy = SIZE_MAX, .indirect_at = SIZE_MAX, .vals = vals, .have = have };
	int rc;

	*n = 0;
	if (!max)
		return 1;
	if (have)
		memset(have, 0, max);
	as->live_state = 0;
	as->live_used = 0;
	as->live_free = 0;
	if (addrspace_module_stale(as, snap->regs[16])) {
		rc = addrspace_build_dwfl(as);
		if (rc)
			return rc;
	}
	rc = cfi_walk(as, snap, snap->regs[7], &w);
	if (w.stale) {
		w = (struct walk){ .as = as, .snap = snap, .pcs = pcs,
				   .max = max, .retried = 1,
				   .n_copy = SIZE_MAX, .indirect_at = SIZE_MAX, .vals = vals,
				   .have = have };
		if (have)
			memset(have, 0, max);
		as->live_state = 0;
		as->live_used = 0;
		rc = addrspace_build_dwfl(as);
		if (rc == 0)
			rc = cfi_walk(as, snap, snap->regs[7], &w);
	}
	/* the JIT's own chain, and what lies under it, is read live */
	as->live_free = snap->live_reads;
	while (w.jit && !w.full) {
		w.jit = 0;
		rc = jit_walk(as, &w);
		if (rc == 2 && w.n < w.max) {
			/* back in native code (C++ that called into JS): on
			 * with CFI from the frame the chain returned to */
			struct stack_snapshot s2 = *snap;

			s2.regs[16] = w.rip - 1;
			s2.regs[7] = w.rsp;
			s2.regs[6] = w.rbp;
			w.resumed = 1;
			as->fp_regs_only = 1;
			rc = cfi_walk(as, &s2, snap->regs[7], &w);
			if (w.stale && !w.retried) {
				/* the native code is in a file mapped since
				 * the module list was built (libc, when the
				 * sample's own pc is JIT code and nothing
				 * rebuilt the list since exec): rebuild and
				 * resume again from the same frame */
				w.stale = 0;
				w.retried = 1;
				w.resumed = 1;
				rc = addrspace_build_dwfl(as);
				if (rc == 0)
					rc = cfi_walk(as, &s2, snap->regs[7],
						      &w);
			}
			as->fp_regs_only = 0;
			continue;
		}
		/* an Erlang stack's bottom: the scheduler's C frames under
		 * it, else the stack is not whole */
		if (rc == 0 && w.n < w.max &&
		    sched_frames(as, snap, &w) != 0 &&
		    (snap->erl_given || snap->check_late))
			rc = 1;
	}
	if (rc == 2)
		rc = 1;
	as->live_free = 0;
	/* frames read beyond the copy: still there after the walk? */
	if (as->live_used && w.n_copy < w.n) {
		as->snap = snap;
		as->stack_base = snap->regs[7];
		if (!copy_top_live(as)) {
			w.n = w.n_copy;
			rc = 1;
		}
	}
	as->snap = NULL;
	*n = w.n;
	if (w.n == 0) {
		pcs[0] = snap->regs[16];
		*n = 1;
		return 1;
	}
	return (rc == 0 && !w.full) ? 0 : 1;
}
