/* world.h - the processes and threads of a recording, as of the event
 * being handled.
 *
 * The world applies fork, comm, exec, mmap and exit events in the order
 * the ordering stage (order.h) delivers them, i.e. in time order across
 * CPUs, so a sample sees the names and mappings in force when it was
 * taken.  It is the only stage that reads /proc (through procfs.h and the
 * address space's maps parser) and the only one that announces processes,
 * threads and mappings to the sink.  Lookups have no side effects; the
 * functions that may read /proc or announce say so.
 *
 * Per process it owns the address space (unwind/addrspace.h) and the
 * interpreter walkers: CPython's (unwind/python) and a JIT perf map
 * (unwind/perfmap.h), started from what the process maps (interp.h).
 */
#ifndef FLAMER_PROFILER_WORLD_H
#define FLAMER_PROFILER_WORLD_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "event.h"
#include "sink.h"

struct world_options {
	bool python;          /* start CPython walkers */
	bool unknown_offsets; /* addrspace: module+0xOFF for unknown code */
	bool no_proc;         /* never read /proc (unit tests) */
	struct pybpf *bpf;    /* CPython walkers are registered with it
			       * (borrowed), or NULL */
};

struct world;
struct wproc; /* one process of the world (borrowed from it) */

/* A new, empty world announcing to sink (copied).  NULL on ENOMEM. */
struct world *world_new(const struct world_options *o, struct sink sink);
void world_free(struct world *w); /* NULL is accepted */

/* Learns a process from /proc (attach, launch): its name, executable and
 * mappings; announces PROC and MAP.  Replaces an entry of a reused pid.
 * 0 or negative. */
int world_add_process(struct world *w, pid_t pid, pid_t ppid);

/* Learns a thread (its name from /proc) and announces THREAD.  0 or
 * negative. */
int world_add_thread(struct world *w, pid_t pid, pid_t tid);

/* How many CPython processes were found so far. */
size_t world_python_count(const struct world *w);

/* Stops registering processes with the BPF program (before any sample:
 * its attachment failed). */
void world_drop_bpf(struct world *w);

/* Whether thread tid is known (no side effects). */
bool world_has_thread(const struct world *w, pid_t tid);

/* Applies a non-sample event (EV_MMAP, EV_COMM, EV_FORK, EV_EXIT; others
 * are ignored).  0 or negative (ENOMEM, a sink error). */
int world_apply(struct world *w, const struct event *ev);

/* Gets the world ready for sample ev: a process or thread first seen in a
 * sample is learned (as world_add_process/thread), interpreter walkers are
 * started or re-checked, mappings a lost MMAP record left out are re-read.
 * *out is the sample's process (borrowed until the next world call).
 * 0 or negative. */
int world_prepare_sample(struct world *w, const struct event *ev,
			 struct wproc **out);

/* Lookups (no side effects). */
struct wproc *world_proc(const struct world *w, pid_t pid);
struct addrspace *wproc_addrspace(const struct wproc *p);
struct pywalker *wproc_python(const struct wproc *p);   /* or NULL */
bool wproc_has_jit(const struct wproc *p);
/* CLOCK_MONOTONIC ns since when the BPF program reads the process's
 * Python frames at each sample, or 0 when it does not. */
uint64_t wproc_python_bpf_since(const struct wproc *p);
/* The same for an Erlang VM's Erlang frames and processes
 * (bpf/beamstack.h), 0 when the program does not read them. */
uint64_t wproc_beam_bpf_since(const struct wproc *p);
/* The Erlang VM's layout and atoms (unwind/beamproc.h), or NULL when the
 * BPF program does not read the process. */
struct beamproc *wproc_beam(const struct wproc *p);
/* Whether it maps an Erlang VM (beam.smp), as of its last sample. */
bool wproc_is_beam(const struct wproc *p);
/* The symbol cache key of the process's current address-space version:
 * changes on exec, on a new or replaced executable mapping and when its
 * perf map gained lines (frames.h). */
uint64_t wproc_cache_key(const struct wproc *p);
const char *wproc_comm(const struct wproc *p);
/* The module (a file version: its build-id; the same id in every process
 * that maps it; files without a build-id have none) and the
 * file offset of addr, for the cross-process symbol cache.  0, or -ENOENT
 * when addr is in no trusted executable file mapping. */
int wproc_module_at(const struct wproc *p, uint64_t addr, uint32_t *module,
		    uint64_t *offset);
/* Where module (a wproc_module_at id) was first seen: *path the file as
 * the recorder opens it (under the process's root, which may be gone once
 * that process has exited) and *build_id its build-id in hex, both
 * borrowed until world_free.  0 or -ENOENT. */
int world_module_file(const struct world *w, uint32_t module,
		      const char **path, const char **build_id);
const char *world_thread_comm(const struct world *w, pid_t tid); /* or NULL */

/* Number of distinct threads that had samples. */
uint64_t world_threads_sampled(const struct world *w);

/* Warns about perf maps with malformed lines (once per map). */
void world_warn_bad_maps(const struct world *w);

/* At the end of a recording: the advice for each Erlang VM still without
 * a perf map (during the recording it waits a few seconds, since a VM
 * launched with +JPperf map writes its map after its first samples). */
void world_warn_missing_jit(struct world *w);

#endif
