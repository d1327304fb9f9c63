/* svg.h - pieces of the SVG writer (flame_write_svg() in flame.h). */
#ifndef FLAMER_RENDER_SVG_H
#define FLAMER_RENDER_SVG_H

/* The interactive script embedded in every SVG (render/script.js).  It
 * contains no "]]>" and nothing from the input. */
extern const char svg_script[];

#endif
