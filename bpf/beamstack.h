/* beamstack.h - what the BPF program (pystack.bpf.c, its BEAM half) and
 * user space share for Erlang VMs: the per-process layout it walks with,
 * and the record it writes per sample.  Plain data, included by both sides
 * (clang -target bpf and the C compiler of flamer); fixed-size types only.
 * Design: docs/beam-bpf.md section 4. */
#ifndef FLAMER_BPF_BEAMSTACK_H
#define FLAMER_BPF_BEAMSTACK_H

#include <linux/types.h>

/* Erlang frames per record; a longer chain is cut and marked (status CUT).
 * A power of two (the BPF side masks indexes with it). */
#define BEAMBPF_MAX_FRAMES 512

/* Bytes of a normal scheduler's C stack copied from right under its
 * registers block (where the JIT calls C functions) when the sample is in
 * C code further down: the return addresses of C frames under the JIT,
 * which the kernel's stack copy misses when a big frame in between has
 * pages never touched (it stops at the first page not present: a 16 KiB
 * buffer of binary_to_term's left 5% of a BIF's samples [truncated]).
 * A multiple of 8. */
#define BEAMBPF_CS_MAX 1024

/* The scheduler-data arrays: normal, dirty-CPU, dirty-IO schedulers. */
#define BEAMBPF_NARRAYS 3

/* Per BEAM process (map beam_procs, key: pid): where its scheduler-data
 * arrays are and the byte offsets the walk reads (user space fills it from
 * the table of checked builds, unwind/beamproc.c, after validating them
 * on the live process). */
struct beambpf_proc {
	__u64 esd_base[BEAMBPF_NARRAYS]; /* ErtsAlignedSchedulerData arrays */
	__u32 esd_n[BEAMBPF_NARRAYS];    /* their lengths */
	__u32 esd_stride;                /* sizeof(ErtsAlignedSchedulerData) */
	__s32 esd_tid, esd_cur, esd_pseudo; /* ErtsSchedulerData members */
	__s32 esd_regs;                  /* .registers, or -1: not known */
	__s32 p_id, p_reg, reg_name;     /* Process.common.id, .u.alive.reg,
					  * RegProc.name */
	__s32 p_stop, p_fp, p_heap, p_hend, p_i, p_current, p_state;
	__u32 running_mask;              /* state bits of a running process */
};

enum beambpf_status {
	/* values above pybpf_status's: the ring's records say their kind by
	 * their status */
	BEAMBPF_OK = 16,        /* the whole chain, leaf to fp 0 */
	BEAMBPF_CUT = 17,       /* the leaf-most BEAMBPF_MAX_FRAMES only */
	BEAMBPF_NOT_SCHED = 18, /* not a scheduler thread: no Erlang here */
	BEAMBPF_NO_PROC = 19,   /* a scheduler running no process */
	BEAMBPF_STALE = 20,     /* current_process not running: stale */
	BEAMBPF_FAULT = 21,     /* a failed read or a broken invariant: the
				 * frames before it */
};

/* flags */
#define BEAMBPF_F_ESTACK 1u /* the sample's rsp was on the Erlang stack */
#define BEAMBPF_F_SCANNED 2u /* C code: the chain starts at the first frame
			      * found above E, not at the process's stale
			      * frame_pointer */

/* The record written to the ring buffer at each sample of a thread of a
 * registered BEAM process.  The first 40 bytes are laid out as
 * pybpf_rec's (time, pid, tid, n, status, ip, period: the same pairing
 * with the perf sample); only the first n return addresses are written
 * (BEAMBPF_REC_SIZE(n) bytes).  erl_pid is the running process's id term
 * (0: none), reg_atom its registered name's atom term (0: none); e is the
 * Erlang stack pointer the chain was read from, w0 the word at e, fp0
 * the frame pointer the chain started at, [heap, hend) the process's
 * heap and stack block (the stack is at its end); i and
 * mfa[] the process's instruction pointer and its current MFA (module,
 * function atoms and arity; 0 when unread).  cs_len bytes of the
 * scheduler's C stack from address cs_base (BEAMBPF_CS_MAX, or 0: not
 * copied) follow the n return addresses: the record is
 * BEAMBPF_REC_SIZE(n) + cs_len bytes. */
struct beambpf_rec {
	__u64 time;
	__u32 pid, tid;
	__u32 n, status;
	__u64 ip, period;
	__u64 erl_pid, reg_atom;
	__u64 e, heap, hend, fp0, w0;
	__u64 i, mfa[3];
	__u32 sched_type, flags;
	__u64 cs_base;
	__u32 cs_len, pad;
	__u64 ra[BEAMBPF_MAX_FRAMES + BEAMBPF_CS_MAX / 8];
};

#define BEAMBPF_REC_HDR 152u
#define BEAMBPF_REC_SIZE(n) (BEAMBPF_REC_HDR + (n) * 8u)

#endif
