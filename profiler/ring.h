/* ring.h - reading a perf_event mmap ring buffer, one record at a time.
 *
 * The protocol, followed in exactly one place (ring.c):
 *   1. init (ring_new): mmap 1 + 2^n pages of the event fd; page 0 is the
 *      perf_event_mmap_page header, the rest the data area.
 *   2. begin (ring_begin): head = data_head (load-acquire).  Records lie
 *      in [data_tail, head), each starting with a perf_event_header whose
 *      size covers the whole record; offsets wrap modulo the data size.
 *   3. next (ring_next): the record at the local tail, in place; a record
 *      that wraps past the end is copied whole into the ring's bounce
 *      buffer first, so callers always see one contiguous record.  next
 *      returns the same record until it is consumed.
 *   4. consume (ring_consume): the local tail moves past that record.  The
 *      record (and anything decoded from it) is no longer valid.
 *   5. end (ring_end): data_tail = local tail (store-release), so the
 *      kernel may reuse the space.  Records not consumed stay for the next
 *      begin.  If the kernel finds no room it drops samples and later emits
 *      a PERF_RECORD_LOST with the count (the recorder reports it).
 * A record with an impossible size (corrupt ring) ends the round: the rest
 * of the ring up to head is dropped.
 */
#ifndef FLAMER_PROFILER_RING_H
#define FLAMER_PROFILER_RING_H

#include <linux/perf_event.h>
#include <stddef.h>

struct ring;

/* Maps data_pages (a power of two) pages of fd's ring.  The fd stays the
 * caller's.  Returns a ring owned by the caller or NULL with *err (-errno:
 * EPERM when the locked-memory limit is exceeded). */
struct ring *ring_new(int fd, size_t data_pages, int *err);

/* Snapshots the kernel's head: the records ring_next will return. */
void ring_begin(struct ring *r);

/* The next unconsumed record (borrowed until ring_consume or ring_end),
 * or NULL when none is left before the head taken by ring_begin. */
const struct perf_event_header *ring_next(struct ring *r);

/* Moves past the record ring_next returned. */
void ring_consume(struct ring *r);

/* Hands the consumed space back to the kernel. */
void ring_end(struct ring *r);

void ring_free(struct ring *r); /* NULL is accepted */

#endif
