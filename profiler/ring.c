#include "ring.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

struct ring {
	struct perf_event_mmap_page *meta;
	unsigned char *data;
	size_t size;     /* data area, power of two */
	size_t map_len;
	uint64_t head;   /* snapshot taken by ring_begin */
	uint64_t tail;   /* local: advanced by ring_consume */
	size_t cur_size; /* size of the record ring_next returned, 0: none */
	unsigned char *bounce;
};

struct ring *ring_new(int fd, size_t data_pages, int *err)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	struct ring *r = calloc(1, sizeof *r);
	void *m;

	if (!r) {
		*err = -ENOMEM;
		return NULL;
	}
	r->size = data_pages * page;
	r->map_len = r->size + page;
	m = mmap(NULL, r->map_len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (m == MAP_FAILED) {
		*err = -errno;
		free(r);
		return NULL;
	}
	r->meta = m;
	r->data = (unsigned char *)m + page;
	/* a record's size is a u16: 64 KiB is the largest possible */
	r->bounce = malloc(65536);
	if (!r->bounce) {
		*err = -ENOMEM;
		ring_free(r);
		return NULL;
	}
	r->tail = r->head = r->meta->data_tail;
	return r;
}

void ring_free(struct ring *r)
{
	if (!r)
		return;
	if (r->meta)
		munmap(r->meta, r->map_len);
	free(r->bounce);
	free(r);
}

void ring_begin(struct ring *r)
{
	r->head = __atomic_load_n(&r->meta->data_head, __ATOMIC_ACQUIRE);
	r->tail = r->meta->data_tail;
	r->cur_size = 0;
}

/* Copies len bytes from ring offset off, wrapping, into the bounce
 * buffer. */
static void *unwrap(struct ring *r, size_t off, size_t len)
{
	size_t first = r->size - off;

	if (first > len)
		first = len;
	memcpy(r->bounce, r->data + off, first);
	memcpy(r->bounce + first, r->data, len - first);
	return r->bounce;
}

const struct perf_event_header *ring_next(struct ring *r)
{
	size_t off, size;
	struct perf_event_header *h;

	if (r->tail >= r->head)
		return NULL;
	off = (size_t)(r->tail & (r->size - 1));
	h = (void *)(r->data + off);
	if (off + sizeof *h > r->size)
		h = unwrap(r, off, sizeof *h); /* even the header wraps */
	size = h->size;
	if (size < sizeof *h || size > r->head - r->tail) {
		r->tail = r->head; /* corrupt: drop the rest */
		r->cur_size = 0;
		return NULL;
	}
	if (off + size > r->size)
		h = unwrap(r, off, size);
	r->cur_size = size;
	return h;
}

void ring_consume(struct ring *r)
{
	r->tail += r->cur_size;
	r->cur_size = 0;
}

void ring_end(struct ring *r)
{
	__atomic_store_n(&r->meta->data_tail, r->tail, __ATOMIC_RELEASE);
}
