/* beamproc.h - an Erlang VM's (beam.smp) internals, for reading its Erlang
 * processes and frames at the sample (docs/beam-bpf.md).
 *
 * The layout (scheduler-data arrays, Process and atom-table offsets) comes
 * from a table of checked builds, keyed by beam.smp's build-id: Debian's
 * stripped beam.smp has neither DWARF nor symbols for these structures.  A
 * layout is only given out after it was checked on the live process
 * (docs/beam-bpf.md 3(iii)): any other build, or a check that fails, gets
 * an error, and the recorder keeps reading Erlang frames late.
 *
 * Atom names (registered names) are read from the VM's atom table with
 * process_vm_readv, cached: OTP 25 never frees an atom. */
#ifndef FLAMER_UNWIND_BEAMPROC_H
#define FLAMER_UNWIND_BEAMPROC_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "../bpf/beamstack.h"

struct beamproc;

/* Finds beam.smp in process pid, looks its build up in the table, reads
 * the scheduler arrays and checks the layout against the live process.
 * Returns 0 and *out (owned by the caller: beamproc_free), -ENOENT when
 * no beam.smp is mapped (a program the VM started, or not exec'd yet),
 * -EAGAIN when
 * the VM has not started its schedulers yet, or a running scheduler's
 * process changed under every read (try again later: *why says which),
 * -EOPNOTSUPP when its JIT keeps no frame pointers (started without
 * `+JPperf map`: the perf-map advice, beam.h, covers it),
 * -FE_UNSUPPORTED for a build not in the table or a check that failed
 * (*why, a static string, says which), or another negative errno. */
int beamproc_new(pid_t pid, struct beamproc **out, const char **why);

void beamproc_free(struct beamproc *b); /* NULL is accepted */

/* The BPF program's view of the layout (bpf/beamstack.h). */
void beamproc_bpf(const struct beamproc *b, struct beambpf_proc *out);

/* The OTP release of the VM ("25"), for messages; borrowed. */
const char *beamproc_release(const struct beamproc *b);

/* The text of atom term atom (the VM's own spelling, unquoted), or NULL
 * when it cannot be read; borrowed from b's cache until beamproc_free. */
const char *beamproc_atom(struct beamproc *b, uint64_t atom);

/* Formats a local pid term as `<0.N.S>` into buf (len bytes); 0, or
 * -EINVAL when id is not a local pid.  Pure. */
int beam_pid_text(uint64_t id, char *buf, size_t len);

#endif
