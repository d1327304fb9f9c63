/* event.h - the plain events the recorder's sources produce.
 *
 * A source (a perf ring today, a BPF ring buffer later) decodes its raw
 * records into these structs; the ordering stage sorts them by time; the
 * world and the stack builder consume them.  An event borrows its variable
 * parts (callchain, stack copy, path) from the source's record: they stay
 * valid until the source's consume() for that record (see order.h), so
 * nothing is copied on the way, 32 KiB stack copies included.
 *
 * The data path as a whole is described in docs/internals.md.
 */
#ifndef FLAMER_PROFILER_EVENT_H
#define FLAMER_PROFILER_EVENT_H

#include <stddef.h>
#include <stdint.h>

#define EVENT_NREGS 17 /* DWARF x86-64 numbering, rip last (16) */

enum event_kind {
	EV_NONE,   /* a record the recorder does not use (skipped) */
	EV_SAMPLE,
	EV_MMAP,
	EV_COMM,
	EV_FORK,
	EV_EXIT,
	EV_LOST,
	EV_OFFCPU, /* a sample taken as its thread left the CPU (--off-cpu) */
	EV_SWITCH, /* a thread went off (out) or on the CPU */
	EV_PYSTACK, /* CPython frames read by BPF at a sample (source_bpf.c) */
};

/* EV_SAMPLE and EV_OFFCPU */
struct ev_sample {
	uint64_t ip, period;
	uint64_t nr;              /* callchain entries */
	const unsigned char *chain; /* nr u64s, possibly unaligned: read
				     * with event_chain_at() */
	uint64_t abi;             /* 0: no user registers (kernel thread) */
	uint64_t regs[EVENT_NREGS];
	const unsigned char *stack; /* user stack copy from regs[7] up */
	uint64_t stack_len;
};

struct ev_mmap {
	uint64_t addr, len, pgoff;
	uint32_t prot, flags;
	unsigned char build_id[20];
	uint8_t build_id_len;     /* 0: none reported */
	const char *path;         /* NUL-terminated (borrowed) */
};

struct ev_comm {
	int exec;                 /* the comm changed because of an exec */
	char comm[32];
};

struct ev_task {
	uint32_t ppid, ptid;      /* parent (fork) */
};

struct ev_switch {
	int out;                  /* 1: switched out, 0: switched in */
};

/* EV_PYSTACK: bpf/pystack.h's record.  The event's time is the record's
 * minus PYSTACK_SHIFT_NS, so that it comes out of the merge before the
 * perf sample of the same tick (which the kernel stamps a few
 * microseconds before the program runs); real_time is the record's own. */
#define PYSTACK_SHIFT_NS 500000ull
struct ev_pystack {
	uint64_t real_time, ip, period; /* the sample's ip and period */
	uint32_t n;               /* frames */
	uint32_t status;          /* enum pybpf_status, or enum
				   * beambpf_status: a BEAM record */
	const unsigned char *frames; /* n struct pybpf_frame (borrowed, may
				      * be unaligned); a BEAM record: the
				      * rest of its beambpf_rec after the
				      * first 40 bytes */
	uint32_t len;             /* bytes at frames */
};

struct ev_lost {
	uint64_t count;
	int samples_only;         /* from a ring without switch records */
};

struct event {
	enum event_kind kind;
	uint32_t pid, tid, cpu;
	uint64_t time;            /* CLOCK_MONOTONIC ns; 0 when unknown */
	union {
		struct ev_sample sample;
		struct ev_mmap mmap;
		struct ev_comm comm;
		struct ev_task task;
		struct ev_lost lost;
		struct ev_switch sw;
		struct ev_pystack py;
	} u;
};

/* Callchain entry i of a sample (i < nr). */
static inline uint64_t event_chain_at(const struct ev_sample *s, uint64_t i)
{
	uint64_t v;

	__builtin_memcpy(&v, s->chain + i * 8, 8);
	return v;
}

#endif
