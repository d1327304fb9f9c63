/* The BPF program's ring buffer as a source: pybpf.h's ring protocol, its
 * records (bpf/pystack.h, bpf/beamstack.h) decoded into EV_PYSTACK
 * events. */
#include "source.h"
#include "../bpf/pybpf.h"

#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static uint64_t corrupt_records;

uint64_t source_bpf_corrupt(void)
{
	return corrupt_records;
}

static uint64_t bpf_begin(void *ctx)
{
	struct timespec t;

	/* the clock first, the producer position after: the program writes
	 * its record in the context that stamps it */
	uint64_t now;

	clock_gettime(CLOCK_MONOTONIC, &t);
	pybpf_ring_begin(ctx);
	now = (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
	/* events carry their time minus the shift (event.h): those up to
	 * now - shift are all here */
	return now - PYSTACK_SHIFT_NS;
}

/* 0 with ev filled, or -1 when the record is malformed. */
static int decode(const unsigned char *p, size_t len, struct event *ev)
{
	struct pybpf_rec h;

	if (len < PYBPF_REC_HDR)
		return -1;
	memcpy(&h, p, PYBPF_REC_HDR);
	if (h.status >= BEAMBPF_OK) {
		/* a BEAM record (bpf/beamstack.h): same first 40 bytes */
		uint32_t cs_len;

		if (h.status > BEAMBPF_FAULT || h.n > BEAMBPF_MAX_FRAMES ||
		    len < BEAMBPF_REC_SIZE(h.n))
			return -1;
		memcpy(&cs_len, p + offsetof(struct beambpf_rec, cs_len),
		       sizeof cs_len);
		if ((cs_len != 0 && cs_len != BEAMBPF_CS_MAX) ||
		    len < BEAMBPF_REC_SIZE(h.n) + cs_len)
			return -1;
		ev->u.py.len = BEAMBPF_REC_SIZE(h.n) + cs_len - PYBPF_REC_HDR;
	} else if (h.n > PYBPF_MAX_FRAMES || len < PYBPF_REC_SIZE(h.n) ||
		   h.status > PYBPF_FAULT) {
		return -1;
	} else {
		ev->u.py.len = h.n * (uint32_t)sizeof(struct pybpf_frame);
	}
	_Static_assert(PYBPF_REC_HDR == offsetof(struct beambpf_rec, erl_pid),
		       "BEAM and CPython records share their first 40 bytes");
	_Static_assert(BEAMBPF_REC_HDR == offsetof(struct beambpf_rec, ra),
		       "BEAMBPF_REC_HDR is the header's size");
	ev->kind = EV_PYSTACK;
	ev->pid = h.pid;
	ev->tid = h.tid;
	ev->time = h.time > PYSTACK_SHIFT_NS ? h.time - PYSTACK_SHIFT_NS : 1;
	ev->u.py.real_time = h.time;
	ev->u.py.ip = h.ip;
	ev->u.py.period = h.period;
	ev->u.py.n = h.n;
	ev->u.py.status = h.status;
	ev->u.py.frames = p + PYBPF_REC_HDR;
	return 0;
}

static int bpf_next(void *ctx, struct event *ev)
{
	size_t len = 0;
	const unsigned char *p = pybpf_ring_next(ctx, &len);

	if (!p)
		return 0;
	memset(ev, 0, sizeof *ev);
	if (decode(p, len, ev)) {
		ev->kind = EV_NONE;
		corrupt_records++;
	}
	return 1;
}

static void bpf_consume(void *ctx)
{
	pybpf_ring_consume(ctx);
}

static void bpf_end(void *ctx)
{
	pybpf_ring_end(ctx);
}

static void bpf_nofree(void *ctx)
{
	(void)ctx; /* the ring belongs to its pybpf */
}

static const struct source_ops bpf_ops = {
	bpf_begin, bpf_next, bpf_consume, bpf_end, bpf_nofree,
};

int source_bpf_new(struct pybpf *b, struct source *out)
{
	out->ops = &bpf_ops;
	out->ctx = b;
	return 0;
}
