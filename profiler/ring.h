/* ring.h - reading a perf_event mmap ring buffer.
 *
 * The protocol, followed in exactly one place (ring_read):
 *   1. init: mmap 1 + 2^n pages of the event fd; page 0 is the
 *      perf_event_mmap_page header, the rest the data area.
 *   2. read: head = data_head (load-acquire); records lie in
 *      [data_tail, head), each starting with a perf_event_header whose size
 *      covers the whole record; offsets wrap modulo the data size.  A record
 *      that wraps past the end is copied whole into a bounce buffer first,
 *      so handlers always see one contiguous record.
 *   3. consume: hand each record to the handler.
 *   4. done: data_tail = head (store-release), so the kernel may reuse the
 *      space.  If the kernel finds no room it drops samples and later emits
 *      a PERF_RECORD_LOST with the count (the recorder reports it).
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

/* Handler for one record; h is valid for the call only.  Returns 0 to go
 * on, a negative code to stop (ring_read then returns it). */
typedef int (*ring_fn)(void *ctx, const struct perf_event_header *h);

/* Delivers every record currently in the ring.  Returns the number of
 * records read, or the handler's negative code. */
int ring_read(struct ring *r, ring_fn fn, void *ctx);

void ring_free(struct ring *r); /* NULL is accepted */

#endif
