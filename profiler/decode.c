/* Decoding perf records into events: the one place that knows perf's
 * record layouts. */
#include "decode.h"
#include "../common/error.h"

#include <linux/perf_event.h>
#include <string.h>

/* A bounds-checked cursor over one record. */
struct cur {
	const unsigned char *p, *end;
	int bad;
};

static uint64_t take64(struct cur *c)
{
	uint64_t v = 0;

	if (c->end - c->p < 8) {
		c->bad = 1;
		c->p = c->end;
		return 0;
	}
	memcpy(&v, c->p, 8);
	c->p += 8;
	return v;
}

static void take32x2(struct cur *c, uint32_t *a, uint32_t *b)
{
	uint64_t v = take64(c);

	*a = (uint32_t)v;
	*b = (uint32_t)(v >> 32);
}

/* perf's x86-64 register numbers to DWARF's (-1: not used by unwinding). */
static const signed char perf_to_dwarf[24] = {
	0, 3, 2, 1, 4, 5, 6, 7, 16, -1, -1, -1, -1, -1, -1, -1,
	8, 9, 10, 11, 12, 13, 14, 15,
};

static void take_regs(struct cur *c, uint64_t mask, uint64_t *regs)
{
	for (int bit = 0; bit < 64; bit++) {
		uint64_t v;

		if (!(mask & (1ull << bit)))
			continue;
		v = take64(c);
		if (bit < 24 && perf_to_dwarf[bit] >= 0)
			regs[perf_to_dwarf[bit]] = v;
	}
}

#define SUPPORTED_SAMPLE                                                     \
	(PERF_SAMPLE_IDENTIFIER | PERF_SAMPLE_IP | PERF_SAMPLE_TID |         \
	 PERF_SAMPLE_TIME | PERF_SAMPLE_ADDR | PERF_SAMPLE_ID |              \
	 PERF_SAMPLE_STREAM_ID | PERF_SAMPLE_CPU | PERF_SAMPLE_PERIOD |      \
	 PERF_SAMPLE_CALLCHAIN | PERF_SAMPLE_RAW | PERF_SAMPLE_REGS_USER |   \
	 PERF_SAMPLE_STACK_USER)

static int decode_sample(const struct decode_layout *l, struct cur *c,
			 struct event *ev)
{
	struct ev_sample *s = &ev->u.sample;
	uint64_t t = l->sample_type;
	uint32_t res;

	if (t & ~(uint64_t)SUPPORTED_SAMPLE)
		return -FE_UNSUPPORTED;
	if (t & PERF_SAMPLE_IDENTIFIER)
		take64(c);
	if (t & PERF_SAMPLE_IP)
		s->ip = take64(c);
	if (t & PERF_SAMPLE_TID)
		take32x2(c, &ev->pid, &ev->tid);
	if (t & PERF_SAMPLE_TIME)
		ev->time = take64(c);
	if (t & PERF_SAMPLE_ADDR)
		take64(c);
	if (t & PERF_SAMPLE_ID)
		take64(c);
	if (t & PERF_SAMPLE_STREAM_ID)
		take64(c);
	if (t & PERF_SAMPLE_CPU)
		take32x2(c, &ev->cpu, &res);
	if (t & PERF_SAMPLE_PERIOD)
		s->period = take64(c);
	if (t & PERF_SAMPLE_CALLCHAIN) {
		s->nr = take64(c);
		if (c->bad || s->nr > (uint64_t)(c->end - c->p) / 8)
			return -FE_CORRUPT;
		s->chain = c->p;
		c->p += s->nr * 8;
	}
	if (t & PERF_SAMPLE_RAW) {
		uint32_t size;

		if (c->end - c->p < 4)
			return -FE_CORRUPT;
		memcpy(&size, c->p, 4);
		if (size > (uint64_t)(c->end - c->p) - 4)
			return -FE_CORRUPT;
		c->p += 4 + size; /* the u32 + data is padded to 8 bytes */
	}
	if (t & PERF_SAMPLE_REGS_USER) {
		s->abi = take64(c);
		if (s->abi)
			take_regs(c, l->regs_user, s->regs);
	}
	if (t & PERF_SAMPLE_STACK_USER) {
		uint64_t size = take64(c);

		if (size) {
			if (size > (uint64_t)(c->end - c->p))
				return -FE_CORRUPT;
			s->stack = c->p;
			c->p += size;
			s->stack_len = take64(c); /* dyn_size */
			if (s->stack_len > size)
				s->stack_len = size;
		}
	}
	return c->bad ? -FE_CORRUPT : 0;
}

/* The sample_id_all trailer of a non-sample record: sets pid/tid/time/cpu
 * and shortens the cursor to the record's own body. */
static int take_trailer(const struct decode_layout *l, struct cur *c,
			struct event *ev)
{
	uint64_t t = l->sample_type;
	size_t n = 0;
	struct cur tr;
	uint32_t pid = 0, tid = 0, res;

	if (!l->sample_id_all)
		return 0;
	n = 8 * (!!(t & PERF_SAMPLE_TID) + !!(t & PERF_SAMPLE_TIME) +
		 !!(t & PERF_SAMPLE_ID) + !!(t & PERF_SAMPLE_STREAM_ID) +
		 !!(t & PERF_SAMPLE_CPU) + !!(t & PERF_SAMPLE_IDENTIFIER));
	if ((size_t)(c->end - c->p) < n)
		return -FE_CORRUPT;
	tr.p = c->end - n;
	tr.end = c->end;
	tr.bad = 0;
	c->end = tr.p;
	if (t & PERF_SAMPLE_TID)
		take32x2(&tr, &pid, &tid);
	if (t & PERF_SAMPLE_TIME)
		ev->time = take64(&tr);
	if (t & PERF_SAMPLE_ID)
		take64(&tr);
	if (t & PERF_SAMPLE_STREAM_ID)
		take64(&tr);
	if (t & PERF_SAMPLE_CPU)
		take32x2(&tr, &ev->cpu, &res);
	if (!ev->pid && !ev->tid) {
		ev->pid = pid;
		ev->tid = tid;
	}
	return 0;
}

/* A NUL-terminated string filling the rest of the body (padded with NULs
 * to 8 bytes by the kernel); NULL when it has no terminator. */
static const char *take_string(struct cur *c)
{
	const char *s = (const char *)c->p;

	if (c->p >= c->end || !memchr(c->p, '\0', (size_t)(c->end - c->p)))
		return NULL;
	c->p = c->end;
	return s;
}

static int decode_mmap(const struct decode_layout *l, struct cur *c,
		       uint16_t misc, int v2, struct event *ev)
{
	struct ev_mmap *m = &ev->u.mmap;
	int err = take_trailer(l, c, ev);

	if (err)
		return err;
	take32x2(c, &ev->pid, &ev->tid);
	m->addr = take64(c);
	m->len = take64(c);
	m->pgoff = take64(c);
	if (v2) {
		unsigned char id[24];

		if (c->end - c->p < 24)
			return -FE_CORRUPT;
		memcpy(id, c->p, 24);
		c->p += 24;
		if ((misc & PERF_RECORD_MISC_MMAP_BUILD_ID) && id[0] <= 20) {
			m->build_id_len = id[0];
			memcpy(m->build_id, id + 4, id[0]);
		}
		take32x2(c, &m->prot, &m->flags);
	} else {
		/* MMAP (v1) carries no protection: data maps are flagged */
		m->prot = (misc & PERF_RECORD_MISC_MMAP_DATA) ? 1 : 5;
	}
	if (c->bad || !(m->path = take_string(c)))
		return -FE_CORRUPT;
	return 0;
}

static int decode_comm(const struct decode_layout *l, struct cur *c,
		       uint16_t misc, struct event *ev)
{
	const char *s;
	int err = take_trailer(l, c, ev);

	if (err)
		return err;
	take32x2(c, &ev->pid, &ev->tid);
	if (c->bad || !(s = take_string(c)))
		return -FE_CORRUPT;
	ev->u.comm.exec = (misc & PERF_RECORD_MISC_COMM_EXEC) != 0;
	strncpy(ev->u.comm.comm, s, sizeof ev->u.comm.comm - 1);
	return 0;
}

static int decode_task(const struct decode_layout *l, struct cur *c,
		       struct event *ev)
{
	int err = take_trailer(l, c, ev);

	if (err)
		return err;
	take32x2(c, &ev->pid, &ev->u.task.ppid);
	take32x2(c, &ev->tid, &ev->u.task.ptid);
	ev->time = take64(c);
	return c->bad ? -FE_CORRUPT : 0;
}

int decode_record(const struct decode_layout *l, const void *rec, size_t len,
		  struct event *ev)
{
	const struct perf_event_header *h = rec;
	struct cur c;
	int err;

	memset(ev, 0, sizeof *ev);
	if (len < sizeof *h || h->size < sizeof *h || h->size > len)
		return -FE_CORRUPT;
	c.p = (const unsigned char *)rec + sizeof *h;
	c.end = (const unsigned char *)rec + h->size;
	c.bad = 0;
	switch (h->type) {
	case PERF_RECORD_SAMPLE:
		ev->kind = l->offcpu ? EV_OFFCPU : EV_SAMPLE;
		err = decode_sample(l, &c, ev);
		if (l->offcpu && !(l->sample_type & PERF_SAMPLE_PERIOD))
			ev->u.sample.period = l->offcpu_period ? l->offcpu_period : 1;
		break;
	case PERF_RECORD_MMAP2:
	case PERF_RECORD_MMAP:
		ev->kind = EV_MMAP;
		err = decode_mmap(l, &c, h->misc, h->type == PERF_RECORD_MMAP2, ev);
		break;
	case PERF_RECORD_COMM:
		ev->kind = EV_COMM;
		err = decode_comm(l, &c, h->misc, ev);
		break;
	case PERF_RECORD_FORK:
	case PERF_RECORD_EXIT:
		ev->kind = h->type == PERF_RECORD_FORK ? EV_FORK : EV_EXIT;
		err = decode_task(l, &c, ev);
		break;
	case PERF_RECORD_SWITCH:
	case PERF_RECORD_SWITCH_CPU_WIDE: /* -a: the trailer names the task */
		ev->kind = EV_SWITCH;
		ev->u.sw.out = (h->misc & PERF_RECORD_MISC_SWITCH_OUT) != 0;
		err = take_trailer(l, &c, ev);
		break;
	case PERF_RECORD_LOST:
		ev->kind = EV_LOST;
		err = take_trailer(l, &c, ev);
		take64(&c); /* id */
		ev->u.lost.count = take64(&c);
		ev->u.lost.samples_only = l->offcpu;
		if (!err && c.bad)
			err = -FE_CORRUPT;
		break;
	default:
		err = take_trailer(l, &c, ev); /* for its time */
		break;
	}
	if (err)
		ev->kind = EV_NONE;
	return err;
}
