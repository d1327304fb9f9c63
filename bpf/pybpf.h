/* pybpf.h - the BPF side of CPython sampling: loads pystack.bpf.c (built
 * and embedded by make), registers CPython processes with their layouts,
 * and reads the records the program writes at each sample.
 *
 * Life: pybpf_new() once per recording (needs root or CAP_BPF +
 * CAP_PERFMON; any failure is returned, the recorder then reads Python
 * stacks from the live process as before); pybpf_prog_fd() is attached to
 * each cpu-clock perf event (PERF_EVENT_IOC_SET_BPF, events.c);
 * pybpf_add() per CPython process once its layout is known; the records
 * are read with the ring protocol below (source_bpf.c); pybpf_free().
 * Design and limits: docs/bpf.md.  Used by one thread at a time. */
#ifndef FLAMER_BPF_PYBPF_H
#define FLAMER_BPF_PYBPF_H

#include <stddef.h>
#include <stdint.h>

#include "pystack.h"
#include "beamstack.h"

struct pybpf;

/* Loads and verifies the program and creates its maps.  Returns 0 and *out
 * (owned by the caller: pybpf_free), or -EPERM/-EACCES when not permitted,
 * -ENOSYS when the kernel has no BPF, or another negative errno.  libbpf's
 * own messages are not printed (the caller says why BPF is off). */
int pybpf_new(struct pybpf **out);

void pybpf_free(struct pybpf *b); /* NULL is accepted */

/* The program's fd, to attach to perf events; valid until pybpf_free. */
int pybpf_prog_fd(const struct pybpf *b);

/* Registers process pid with its layout (copied): from now on its samples
 * produce records.  0 or a negative errno (-E2BIG: the map is full). */
int pybpf_add(struct pybpf *b, uint32_t pid, const struct pybpf_proc *c);

/* Registers Erlang VM pid with its layout (copied, bpf/beamstack.h): from
 * now on its samples produce beambpf_rec records in the same ring.  0 or a
 * negative errno. */
int pybpf_add_beam(struct pybpf *b, uint32_t pid, const struct beambpf_proc *c);

/* Forgets process pid (exited, or exec'd into another program), CPython
 * or BEAM. */
void pybpf_remove(struct pybpf *b, uint32_t pid);

/* Records the program could not write because the ring buffer was full. */
uint64_t pybpf_dropped(const struct pybpf *b);

/* The ring buffer, read in rounds (one reader):
 *   pybpf_ring_begin()    snapshot the producer position
 *   pybpf_ring_next()     the oldest unconsumed record below it (the same
 *                         again until consumed), borrowed, *len bytes;
 *                         NULL when none is left
 *   pybpf_ring_consume()  done with it
 *   pybpf_ring_end()      give the consumed space back to the kernel
 * A record the kernel wrote across the end of the buffer is contiguous
 * (the data pages are mapped twice).  Records the program discarded are
 * skipped. */
void pybpf_ring_begin(struct pybpf *b);
const void *pybpf_ring_next(struct pybpf *b, size_t *len);
void pybpf_ring_consume(struct pybpf *b);
void pybpf_ring_end(struct pybpf *b);

#endif
