/* pystack.h - what the BPF program pystack.bpf.c and user space share:
 * the per-process layout it walks with, and the record it writes per
 * sample.  Plain data, included by both sides (clang -target bpf and the
 * C compiler of flamer); fixed-size types only. */
#ifndef FLAMER_BPF_PYSTACK_H
#define FLAMER_BPF_PYSTACK_H

#include <linux/types.h>

/* Frames per record; a longer chain is cut and marked (PYBPF_CUT).  A
 * power of two (the BPF side masks indexes with it). */
#define PYBPF_MAX_FRAMES 512

/* Per CPython process (map py_procs, key: pid): where _PyRuntime is and
 * the byte offsets of the members the walk reads, from the same layout
 * user space uses (unwind/python: DWARF, _Py_DebugOffsets or the built-in
 * tables).  -1: the version has no such member. */
struct pybpf_proc {
	__u64 runtime;        /* address of _PyRuntime in the target */
	__u32 minor;          /* 3.minor */
	__s32 rt_interp_head;
	__s32 is_next, is_threads_head;
	__s32 ts_next, ts_thread_id, ts_frame, ts_cframe;
	__s32 cf_current_frame;
	__s32 fr_previous, fr_code, fr_instr, fr_owner, fr_is_entry;
	__s32 co_filename;    /* PyCodeObject members read per frame */
	__s32 co_name;        /* co_qualname (3.11+), else co_name */
};

/* One frame: the code object (f_code / f_executable) with bit 0 set when
 * the frame is the first one of its C-level eval call (3.11 is_entry; 3.12+
 * the frame just above a C-stack shim frame), the raw instruction field
 * (f_lasti before 3.11, prev_instr / instr_ptr from 3.11), and the code
 * object's co_filename and co_qualname (co_name before 3.11) pointers as
 * they were at the sample: user space names the code object later, and
 * must not name another one that took its address meanwhile. */
struct pybpf_frame {
	__u64 code;
	__u64 instr;
	__u64 file, name;
};

enum pybpf_status {
	PYBPF_OK = 0,        /* the whole chain, leaf to root */
	PYBPF_CUT = 1,       /* the leaf-most PYBPF_MAX_FRAMES frames only */
	PYBPF_NO_TSTATE = 2, /* the thread has no thread state: no Python */
	PYBPF_FAULT = 3,     /* a read failed: the frames before it */
};

/* The record written to the ring buffer py_ring at each sample of a
 * thread of a registered process; only the first n frames are written
 * (the record is PYBPF_REC_SIZE(n) bytes).  time is bpf_ktime_get_ns()
 * (CLOCK_MONOTONIC), taken in the same overflow handler as the perf
 * sample of the same tick, a few microseconds after the sample's own
 * time (the kernel stamps the sample first); ip and period are the
 * sample's (PERF_SAMPLE_IP, PERF_SAMPLE_PERIOD): with tid and time they
 * pair the record with its sample. */
struct pybpf_rec {
	__u64 time;
	__u32 pid, tid;
	__u32 n, status;
	__u64 ip, period;
	struct pybpf_frame f[PYBPF_MAX_FRAMES];
};

#define PYBPF_REC_HDR 40u
#define PYBPF_REC_SIZE(n) (PYBPF_REC_HDR + (n) * 32u)

#endif
