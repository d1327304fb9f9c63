/* flame.h - a flame graph: stacks merged into a tree, laid out, written as
 * an interactive SVG.
 *
 *   struct flame *f = flame_new(&opts);
 *   flame_add(f, "main;work;leaf", 14, 3, 0, 0);   (once per input line)
 *   flame_write_svg(f, fd);
 *   flame_free(f);
 *
 * Memory grows with the number of distinct frames in the tree only: names
 * are cut at TEXT_NAME_MAX bytes and stacks at FLAME_MAX_DEPTH frames (the
 * rest becomes one "[truncated]" frame and is counted, see
 * flame_truncated_stacks()).
 */
#ifndef FLAMER_RENDER_FLAME_H
#define FLAMER_RENDER_FLAME_H

#include "palette.h"

struct palfile;

#include <stddef.h>
#include <stdint.h>

#define FLAME_MAX_DEPTH 4096

struct flame_opts {
	/* Text options; borrowed, must outlive the flame.  NULL = default. */
	const char *title, *subtitle, *countname, *nametype, *fonttype;
	const char *notes;
	const char *recording; /* <desc id="recording"> text, NULL = none */
	int legend;      /* draw the frame-kind legend (kind palette only) */
	const char *bgcolor1, *bgcolor2; /* "#rrggbb" each */
	double width;       /* image width, px (default 1200) */
	double frameheight; /* px (default 16) */
	double fontsize;    /* px (default 12) */
	double fontwidth;   /* average glyph width / fontsize (default 0.59) */
	double minwidth;    /* px, or percent of the total when minwidth_pct */
	int minwidth_pct;
	enum palette colors;
	int inverted;    /* icicle: root at the top */
	int reverse;     /* stacks merged from the leaf */
	int flamechart;  /* input order, merge only adjacent identical frames */
	int negate;      /* differential: swap red and blue */
	int sort_weight; /* heaviest child first instead of by name */
	struct palfile *palfile; /* --cp colours (borrowed), NULL = none */
};

/* Fills o with flamegraph.pl's defaults. */
void flame_opts_default(struct flame_opts *o);

struct flame;

/* Returns a new empty graph (caller frees with flame_free) or NULL on
 * ENOMEM.  The options are copied (their strings are borrowed). */
struct flame *flame_new(const struct flame_opts *o);
void flame_free(struct flame *f); /* NULL is accepted */

/* flame_add - add one stack (frames separated by ';', root first) of
 * `count` samples.  When diff is set the graph becomes differential and
 * `before` is the stack's count in the baseline (count is the new one);
 * otherwise before is taken equal to count.  Empty frames ("a;;b") are
 * skipped.  Returns 0, or -ENOMEM (the graph is then inconsistent: only
 * flame_free() may follow). */
int flame_add(struct flame *f, const char *stack, size_t len, double count,
	      double before, int diff);

/* Number of stacks cut at FLAME_MAX_DEPTH so far. */
size_t flame_truncated_stacks(const struct flame *f);

/* Total of all counts added (the root frame's width). */
double flame_total(const struct flame *f);

/* One frame as drawn, after flame_layout(). */
struct flame_frame {
	const char *name; /* borrowed from the flame; valid until freed */
	size_t name_len;
	enum text_kind kind;
	unsigned depth;   /* 0 = root ("all") */
	double x;         /* start, in samples from the left edge */
	double value;     /* width, in samples */
	double before;    /* baseline value (== value unless differential) */
	unsigned merged;  /* > 0: this frame stands for that many narrow ones */
};

/* flame_layout - sort, lay out and apply the minimum width.  Fills *frames
 * with a borrowed array (valid until the next layout or free) of *n frames,
 * parents before children, the root first.  Returns 0, -FE_EMPTY when
 * nothing with a positive count was added, or -ENOMEM. */
int flame_layout(struct flame *f, const struct flame_frame **frames,
		 size_t *n);

/* Whether any stack was added with diff set. */
int flame_is_diff(const struct flame *f);

/* Sets (or, with NULL, clears) the palette file used by flame_write_svg. */
void flame_set_palfile(struct flame *f, struct palfile *p);

/* Replaces the subtitle and recording <desc> text (borrowed, must outlive
 * the flame; NULL = none), once the input has said what it is. */
void flame_set_text(struct flame *f, const char *subtitle,
		    const char *recording);

/* The options the graph was made with (borrowed). */
const struct flame_opts *flame_options(const struct flame *f);

/* flame_write_svg - lay out and write the whole SVG document to fd.
 * Returns 0, -FE_EMPTY, -ENOMEM or a negative errno from write. */
int flame_write_svg(struct flame *f, int fd);

#endif
