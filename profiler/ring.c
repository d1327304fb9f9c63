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

int ring_read(struct ring *r, ring_fn fn, void *ctx)
{
	uint64_t head = __atomic_load_n(&r->meta->data_head, __ATOMIC_ACQUIRE);
	uint64_t tail = r->meta->data_tail;
	int count = 0, rc = 0;

	while (tail < head) {
		size_t off = (size_t)(tail & (r->size - 1));
		struct perf_event_header *h = (void *)(r->data + off);
		size_t size;

		if (off + sizeof *h > r->size) {
			/* even the header wraps */
			size_t first = r->size - off;

			memcpy(r->bounce, r->data + off, first);
			memcpy(r->bounce + first, r->data, sizeof *h - first);
			h = (void *)r->bounce;
		}
		size = h->size;
		if (size < sizeof *h || size > head - tail) {
			tail = head; /* corrupt: drop the rest */
			break;
		}
		if (off + size > r->size) {
			size_t first = r->size - off;

			memcpy(r->bounce, r->data + off, first);
			memcpy(r->bounce + first, r->data, size - first);
			h = (void *)r->bounce;
		}
		rc = fn(ctx, h);
		tail += size;
		count++;
		if (rc < 0)
			break;
	}
	__atomic_store_n(&r->meta->data_tail, tail,
			 __ATOMIC_RELEASE);
	return rc < 0 ? rc : count;
}
