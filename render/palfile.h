/* palfile.h - flamegraph.pl's palette file (--cp): one "NAME->rgb(R,G,B)"
 * line per function, read before rendering and written back with the
 * colours of new names added, so a function keeps its colour in every
 * graph drawn with the same file even under another palette.
 */
#ifndef FLAMER_RENDER_PALFILE_H
#define FLAMER_RENDER_PALFILE_H

#include <stddef.h>
#include <stdint.h>

struct palfile;

/* palfile_load - read path (a missing file is an empty palette).  Lines
 * that do not parse are ignored; at most PALFILE_MAX_NAMES names are kept.
 * Returns a new palette (free with palfile_free) or NULL with *err set to a
 * negative errno. */
#define PALFILE_MAX_NAMES 1000000
struct palfile *palfile_load(const char *path, int *err);
void palfile_free(struct palfile *p); /* NULL is accepted */

/* palfile_color - the colour of name[0..n): the stored one, else dflt,
 * which is then stored.  Returns 0xRRGGBB. */
uint32_t palfile_color(struct palfile *p, const char *name, size_t n,
		       uint32_t dflt);

/* palfile_save - write every name back to path (atomically, through
 * common/outfile.h).  Returns 0 or a negative errno. */
int palfile_save(const struct palfile *p, const char *path);

#endif
