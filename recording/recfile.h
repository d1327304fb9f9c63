/* recfile.h - the flamer.data recording format, version 1.
 *
 * A recording is self-contained: every frame a sample refers to is written
 * (already symbolised) before the sample, so a reader needs nothing from the
 * machine that recorded it.  All integers are little-endian.
 *
 *   file    := header block*
 *   header  := magic[8] = "\x89FLAMER\n", u32 version = 1, u32 flags = 0
 *   block   := u32 "FLBK" (0x4b424c46), u32 csize, u32 rsize, u32 reserved,
 *              csize bytes: one zstd frame (with content checksum) that
 *              decompresses to exactly rsize bytes of records
 *   record  := u16 type, u16 reserved, u32 len, len bytes of payload
 *   string  := u32 n, n bytes (not NUL-terminated)
 *
 * Blocks are written whole and independently decodable, about once a second
 * and whenever 1 MiB of records has accumulated, so a recording cut short by
 * SIGKILL, a crash or a full disk is readable up to its last whole block.  A
 * clean end is marked by an END record; a reader that meets EOF without one
 * reports the file as truncated but still delivers every record before it.
 * rsize is at most REC_MAX_BLOCK (readers reject more), so a hostile file
 * cannot make a reader allocate without bound.  Unknown record types are
 * skipped, so new types can be added without a version bump.
 *
 * Payloads (type: fields):
 *   META   1: string key, string value       (flamer-version, hostname,
 *             kernel, arch, frequency, unwind, start-time, event, pid,
 *             command: see docs/record.md)
 *   PROC   2: u32 pid, u32 ppid, string comm, string exe
 *   THREAD 3: u32 pid, u32 tid, string name  (latest name wins)
 *   FRAME  4: u32 id, u8 kind, u8 pad[3], string name, string module
 *   SAMPLE 5: u64 time_ns (since recording start), u32 pid, u32 tid,
 *             u32 cpu, u32 flags, u64 weight, u32 n, u32 frame_id[n]
 *             (leaf first; every id defined by an earlier FRAME)
 *   LOST   6: u64 time_ns, u64 count      (samples the kernel dropped)
 *   END    7: u64 samples, u64 lost, u32 threads, u32 status
 *   MAP    8: u32 pid, u64 start, u64 end, u64 pgoff, string build_id (hex),
 *             string path
 *   COUNT  9: string name, u64 value      (named summary counters, e.g.
 *             duration-ns: the recording's length, written at its end)
 *   LOC   10: u32 id, u64 offset, string module, u32 n, u32 frame_id[n]
 *             A code location, written while recording: the instruction
 *             at file offset `offset` of module (the file name FRAME
 *             records use), and the frames it stands for, innermost
 *             first: the functions inlined there (--inline), then the
 *             function that holds it (the same frame ids a SAMPLE lists
 *             for that address).  ids count up from 0 like FRAME ids;
 *             1 <= n <= REC_MAX_LOC_LINES.
 *   SAMPLE_LOCS 11: u32 n, u32 loc[n]
 *             The locations of the SAMPLE record right before it, leaf
 *             first.  A value below REC_LOC_FRAME is a LOC id standing for
 *             that LOC's frames; REC_LOC_FRAME | frame_id is one frame with
 *             no location (kernel, interpreter and special frames).
 *             Expanded, they are exactly the SAMPLE's frames; readers
 *             ignore a SAMPLE_LOCS that does not match its SAMPLE (old
 *             readers skip both new types: the SAMPLE alone still holds
 *             the stack).
 *   LINES 12: u32 loc, u32 n, n x (u32 line, string file)
 *             The source position of each frame of LOC loc (defined
 *             before), innermost first, n equal to the LOC's: for an
 *             inlined frame its line, for the frame that calls it the
 *             call site.  line 0 / file "" unknown.  Written after
 *             sampling stopped (looking lines up costs nothing while
 *             sampling), before END: a recording cut before its end has
 *             locations without lines.
 *   SAMPLE_ERLANG 13: string process
 *             The Erlang process the next SAMPLE record was taken in, as
 *             the BEAM names it: "name <0.N.S>" for a registered process,
 *             else "<0.N.S>" (read at the sample by the BPF program,
 *             docs/beam.md).  Written right before that SAMPLE; old
 *             readers skip it.  At most REC_MAX_ERLPROC bytes.
 *   THREAD_PYTHON 14: u32 pid, u32 tid, string name
 *             The name Python gives thread tid (threading.Thread.name),
 *             read from the live process while recording and checked
 *             (docs/python.md, "Thread names"); latest name wins, like
 *             THREAD's.  Readers that know it show it in place of the
 *             THREAD name; old readers skip it.  UTF-8 without ';' or
 *             control characters, at most REC_MAX_PYTHREAD bytes.
 */
#ifndef FLAMER_COMMON_RECFILE_H
#define FLAMER_COMMON_RECFILE_H

#include <stdint.h>

#define REC_MAGIC "\x89" "FLAMER\n"
#define REC_MAGIC_LEN 8
#define REC_VERSION 1u
#define REC_BLOCK_MAGIC 0x4b424c46u /* "FLBK" */
#define REC_HEADER_LEN 16
#define REC_BLOCK_HEADER_LEN 16
#define REC_MAX_BLOCK (16u << 20)
#define REC_MAX_FRAMES 4096u /* frames per sample */

enum rec_type {
	REC_META = 1,
	REC_PROC = 2,
	REC_THREAD = 3,
	REC_FRAME = 4,
	REC_SAMPLE = 5,
	REC_LOST = 6,
	REC_END = 7,
	REC_MAP = 8,
	REC_COUNT = 9,
	REC_LOC = 10,
	REC_SAMPLE_LOCS = 11,
	REC_LINES = 12,
	REC_SAMPLE_ERLANG = 13,
	REC_THREAD_PYTHON = 14,
};

#define REC_MAX_ERLPROC 512u
#define REC_MAX_PYTHREAD 1024u

#define REC_MAX_LOC_LINES 64u     /* frames per LOC */
#define REC_LOC_FRAME 0x80000000u /* SAMPLE_LOCS: a frame, no location */

/* What a frame is; decides its suffix in collapsed output and its colour. */
enum frame_kind {
	FK_NATIVE = 0,    /* user-space machine code with a symbol */
	FK_KERNEL = 1,    /* kernel: "_[k]" */
	FK_PYTHON = 2,    /* CPython function: "qualname (file.py)" */
	FK_ERLANG = 3,    /* BEAM function: "module:function/arity" */
	FK_JIT = 4,       /* other JIT code from a perf map: "_[j]" */
	FK_INLINE = 5,    /* inlined function: "_[i]" */
	FK_UNKNOWN = 6,   /* no symbol: "[module]" or "module+0x..." */
	FK_TRUNCATED = 7, /* "[truncated]": the unwinder stopped early */
	FK_INVALID = 8,   /* "[invalid]": inconsistent interpreter memory */
	FK_MAX_
};

/* SAMPLE flags */
#define REC_SF_TRUNCATED (1u << 0)     /* user stack not unwound to its root */
#define REC_SF_PY_AMBIGUOUS (1u << 1)  /* Python frames stacked on top */
#define REC_SF_PY_INVALID (1u << 2)    /* Python walk ended in [invalid] */
#define REC_SF_OFFCPU (1u << 3)        /* an off-CPU interval: weight in us */
#define REC_SF_OFFCPU_SHARE (1u << 4)  /* with REC_SF_OFFCPU: the share of
					* intervals without a stack given to
					* this sampled stack (an estimate,
					* docs/offcpu.md) */
#define REC_SF_PY_UNCONFIRMED (1u << 5) /* Python frames read late and not
					 * confirmed by the sample: left out,
					 * [python?] in their place */
#define REC_SF_ERL_UNCONFIRMED (1u << 6) /* Erlang frames read late and not
					  * confirmed by the sample: left
					  * out, [erlang?] in their place */

/* END status */
#define REC_END_INTERRUPTED (1u << 0) /* stopped by SIGINT/SIGTERM */
#define REC_END_TARGET_EXITED (1u << 1)
#define REC_END_WRITE_ERROR (1u << 2) /* never set in a file that says END */

struct rec_sample {
	uint64_t time_ns;
	uint32_t pid, tid, cpu, flags;
	uint64_t weight;
	uint32_t n;
	const uint32_t *frames; /* n ids, leaf first */
	uint32_t nlocs;         /* SAMPLE_LOCS (written after the SAMPLE when */
	const uint32_t *locs;   /* nlocs > 0; a reader's SAMPLE has none) */
	const char *erlproc;    /* SAMPLE_ERLANG: the Erlang process, or NULL */
};

struct rec_end {
	uint64_t samples, lost;
	uint32_t threads, status;
};

#endif
