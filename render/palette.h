/* palette.h - frame colours.
 *
 * Every colour is a pure function of (palette, kind, name): the same name
 * gets the same colour in every graph, with no palette file.  The default
 * palette, PAL_KIND, gives each frame kind (text.h) its own hue range.
 */
#ifndef FLAMER_RENDER_PALETTE_H
#define FLAMER_RENDER_PALETTE_H

#include "text.h"

#include <stddef.h>
#include <stdint.h>

enum palette {
	PAL_KIND = 0, /* by frame kind (default; also "java", "python", ...) */
	PAL_HOT, PAL_MEM, PAL_IO, PAL_RED, PAL_GREEN, PAL_BLUE,
	PAL_AQUA, PAL_YELLOW, PAL_PURPLE, PAL_ORANGE,
	PAL_CHAIN, /* off-CPU chains: waker frames aqua, others blue */
};

/* palette_parse - the palette named s (flamegraph.pl's --colors names plus
 * "kind", "auto", "native", "python", "erlang", "elixir").  Returns 0 or
 * -FE_SYNTAX for an unknown name. */
int palette_parse(const char *s, enum palette *out);

/* palette_color - 0xRRGGBB for a frame named name[0..n) (suffix already
 * stripped) of the given kind. */
uint32_t palette_color(enum palette pal, enum text_kind kind,
		       const char *name, size_t n);

/* palette_diff - colour for a change of delta on a scale of max (> 0):
 * white for none, red for growth, blue for shrinkage. */
uint32_t palette_diff(double delta, double max);

#endif
