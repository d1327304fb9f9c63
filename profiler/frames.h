/* frames.h - the recorder's table of frames.
 *
 * Every distinct (kind, name, module) gets a dense id; the first time an id
 * is handed out its FRAME record is written, so a SAMPLE never refers to an
 * undefined frame (FRAME records go to the sink).  Address lookups are
 * cached per (cache key, address): the world gives every address space a
 * key that changes whenever what its addresses mean may have changed (an
 * exec, a new or replaced executable mapping, new perf-map lines), so a
 * hot address is symbolised once per such version, never served stale.
 */
#ifndef FLAMER_PROFILER_FRAMES_H
#define FLAMER_PROFILER_FRAMES_H

#include <stdint.h>

#include "../recording/recfile.h"
#include "sink.h"

struct frames;

/* New frames are announced to sink (copied; its ctx must outlive the
 * table).  NULL on ENOMEM. */
struct frames *frames_new(struct sink sink);
void frames_free(struct frames *f); /* NULL is accepted */

/* The id of a frame, writing its FRAME record if new.  0 or negative. */
int frames_id(struct frames *f, enum frame_kind kind, const char *name,
	      const char *module, uint32_t *id);

/* Cached expansion of an address (asid: the cache key of an address space
 * version, world.h; 0 is the kernel).  On a hit *ids points at *n ids (borrowed until the next
 * frames_* call) and 1 is returned; 0 on a miss. */
int frames_cache_get(struct frames *f, uint64_t asid, uint64_t addr,
		     const uint32_t **ids, uint32_t *n);

/* Stores the expansion of an address. 0 or -ENOMEM. */
int frames_cache_put(struct frames *f, uint64_t asid, uint64_t addr,
		     const uint32_t *ids, uint32_t n);

/* No location (frames_loc). */
#define FRAMES_NO_LOC UINT32_MAX

/* The id of the code location at file offset `offset` of module (world.h's
 * module ids: a file version known by build-id), standing for frames
 * ids[n] (innermost first); the first time, its LOC record is written
 * (name: the module's file name, as FRAME records give it).  No source
 * lines are looked up here: that is srclines.h's, after sampling.  *id is
 * FRAMES_NO_LOC when the sink takes no locations or n is out of range.
 * 0 or negative. */
int frames_loc(struct frames *f, uint32_t module, uint64_t offset,
	       const char *name, uint32_t n, const uint32_t *ids, uint32_t *id);

/* Marks location id as used by a sample written (only those get lines). */
void frames_loc_used(struct frames *f, uint32_t id);

/* Locations made so far: ids 0 .. count-1. */
uint32_t frames_loc_count(const struct frames *f);

/* Location id's module, offset and number of frames: 1 if a sample used
 * it, 0 if none did, -ENOENT for an unknown id. */
int frames_loc_info(const struct frames *f, uint32_t id, uint32_t *module,
		    uint64_t *offset, uint32_t *n);

/* The kind (enum frame_kind) of frame id, or -ENOENT. */
int frames_kind(const struct frames *f, uint32_t id);

/* The name of frame id (borrowed, valid until frames_free), or NULL. */
const char *frames_name(const struct frames *f, uint32_t id);

/* Number of distinct frames. */
uint32_t frames_count(const struct frames *f);

#endif
