/* fuzz_decode - perf records from a ring (profiler/decode.c).  The first
 * byte picks the attr layout; the rest is read as a ring's worth of
 * records, each decoded and every borrowed field touched. */
#include "fuzz.h"
#include "../../profiler/decode.h"

#include <linux/perf_event.h>
#include <string.h>

static volatile uint64_t sink_;

static void touch(const struct event *ev)
{
	const struct ev_sample *s = &ev->u.sample;

	sink_ += ev->pid + ev->tid + ev->cpu + ev->time;
	switch (ev->kind) {
	case EV_SAMPLE:
		for (uint64_t i = 0; i < s->nr; i++)
			sink_ += event_chain_at(s, i);
		for (uint64_t i = 0; s->stack && i < s->stack_len; i++)
			sink_ += s->stack[i];
		break;
	case EV_MMAP:
		sink_ += strlen(ev->u.mmap.path) + ev->u.mmap.build_id_len;
		break;
	case EV_COMM:
		sink_ += strlen(ev->u.comm.comm);
		break;
	default:
		break;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const uint64_t extra[] = {
		0, PERF_SAMPLE_IDENTIFIER, PERF_SAMPLE_RAW | PERF_SAMPLE_ADDR,
		PERF_SAMPLE_ID | PERF_SAMPLE_STREAM_ID,
	};
	struct decode_layout l = {
		.sample_type = PERF_SAMPLE_IP | PERF_SAMPLE_TID |
			       PERF_SAMPLE_TIME | PERF_SAMPLE_CPU |
			       PERF_SAMPLE_PERIOD | PERF_SAMPLE_CALLCHAIN,
		.regs_user = 0xff01ffULL,
		.sample_id_all = 1,
	};
	struct event ev;
	size_t off = 1;

	if (size < 1)
		return 0;
	l.sample_type |= extra[data[0] & 3];
	if (data[0] & 4)
		l.sample_type |= PERF_SAMPLE_REGS_USER | PERF_SAMPLE_STACK_USER;
	if (data[0] & 8)
		l.regs_user = 0xffffffULL; /* every register perf has */
	l.sample_id_all = !(data[0] & 16);
	while (off + sizeof(struct perf_event_header) <= size) {
		struct perf_event_header h;

		memcpy(&h, data + off, sizeof h);
		if (h.size < sizeof h)
			break;
		/* aligned copy, as a ring hands out records */
		{
			uint64_t rec[65536 / 8];
			size_t len = size - off < sizeof rec ? size - off : sizeof rec;

			memcpy(rec, data + off, len);
			if (decode_record(&l, rec, len, &ev) == 0)
				touch(&ev);
		}
		off += h.size;
	}
	return 0;
}
