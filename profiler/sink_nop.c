/* sink_nop.c - the callbacks of a sink that keeps nothing, for sinks that
 * want only some records (flamer top) or none (flamer dump, which reads
 * names back from the frame table). */
#include "sink.h"

#include <stddef.h>

int sink_nop_proc(void *c, uint32_t p, uint32_t pp, const char *comm,
		  const char *exe) { return 0; }
int sink_nop_thread(void *c, uint32_t p, uint32_t t, const char *name)
{ return 0; }
int sink_nop_map(void *c, uint32_t p, uint64_t s, uint64_t e, uint64_t o,
		 const char *bid, const char *path) { return 0; }
int sink_nop_frame(void *c, uint32_t id, enum frame_kind k, const char *name,
		   const char *module) { return 0; }
int sink_nop_sample(void *c, const struct rec_sample *s) { return 0; }
int sink_nop_lost(void *c, uint64_t t, uint64_t n) { return 0; }

const struct sink_ops sink_nop_ops = {
	sink_nop_proc, sink_nop_thread, sink_nop_map, sink_nop_frame,
	sink_nop_sample, sink_nop_lost, NULL, NULL, NULL,
};
