/* The SVG writer: one <g> per drawn frame holding its <title> (full name
 * and counts), <rect> and, when it fits, a <text> label.  Names appear only
 * XML-escaped in text nodes; the script reads them from there. */
#include "flame.h"
#include "obuf.h"
#include "palfile.h"
#include "svg.h"
#include "../common/error.h"

#include <math.h>
#include <string.h>

#define XPAD 10.0
#define FRAMEPAD 1.0

struct geom {
	double width, height, fh, fs, wpt; /* wpt: px per sample */
	double ypad1, ypad2, ypad3;
	double total, maxdelta;
	int inverted, diff, negate;
	unsigned legend; /* bit per enum text_kind shown in the legend */
	double legendh;  /* px of the legend row at the bottom (0 = none) */
};

/* Legend labels of the kind palette, in legend order. */
static const struct {
	enum text_kind kind;
	const char *label;
} legend_items[] = {
	{ TK_NATIVE, "native" }, { TK_INLINE, "inlined" },
	{ TK_KERNEL, "kernel" }, { TK_JIT, "JIT" },
	{ TK_PYTHON, "Python" }, { TK_ERLANG, "Erlang/Elixir" },
	{ TK_WAKER, "waker" }, { TK_SPECIAL, "unknown" },
	{ TK_BROKEN, "truncated/invalid" }, { TK_MERGED, "merged narrow" },
};

/* A number as short as it can be: "12" or "12.35". */
static void put_num(struct obuf *ob, double v)
{
	double r = floor(v + 0.5);

	obuf_fixed(ob, v, fabs(v - r) < 0.005 ? 0 : 2);
}

static void put_attr_num(struct obuf *ob, const char *name, double v)
{
	obuf_putc(ob, ' ');
	obuf_puts(ob, name);
	obuf_puts(ob, "=\"");
	put_num(ob, v);
	obuf_putc(ob, '"');
}

static void put_text_str(struct obuf *ob, const char *s)
{
	obuf_xml(ob, s, strlen(s));
}

static void put_color(struct obuf *ob, uint32_t rgb)
{
	static const char hex[] = "0123456789abcdef";
	char buf[7] = { '#' };

	for (int i = 0; i < 6; i++)
		buf[1 + i] = hex[(rgb >> (20 - 4 * i)) & 0xf];
	obuf_put(ob, buf, 7);
}

/* <text id="ID" x y [class]>TEXT</text> */
static void put_label(struct obuf *ob, const char *id, double x, double y,
		      const char *cls, const char *text)
{
	obuf_puts(ob, "<text id=\"");
	obuf_puts(ob, id);
	obuf_putc(ob, '"');
	put_attr_num(ob, "x", x);
	put_attr_num(ob, "y", y);
	if (cls) {
		obuf_puts(ob, " class=\"");
		obuf_puts(ob, cls);
		obuf_putc(ob, '"');
	}
	obuf_putc(ob, '>');
	put_text_str(ob, text);
	obuf_puts(ob, "</text>\n");
}

static void put_style(struct obuf *ob, const struct geom *g)
{
	obuf_puts(ob, "<style type=\"text/css\">\n"
		      "text{fill:#000}\n"
		      "#title{text-anchor:middle;font-size:");
	put_num(ob, g->fs + 5);
	obuf_puts(ob, "px}\n"
		      "#subtitle{text-anchor:middle;fill:#a0a0a0}\n"
		      "#search,#ignorecase{opacity:0.1;cursor:pointer}\n"
		      "#search:hover,#search.show,#ignorecase:hover,"
		      "#ignorecase.show{opacity:1}\n"
		      "#unzoom{cursor:pointer}\n"
		      "#frames>g{cursor:pointer}\n"
		      "#frames>g:hover>rect{stroke:#000;stroke-width:0.5}\n"
		      "#frames text{pointer-events:none}\n"
		      ".hide{display:none}\n.parent{opacity:0.5}\n"
		      "</style>\n");
}

static void put_header(struct obuf *ob, const struct flame_opts *o,
		       const struct geom *g)
{
	obuf_puts(ob, "<?xml version=\"1.0\" standalone=\"no\"?>\n"
		      "<svg version=\"1.1\" xmlns=\"http://www.w3.org/2000/svg\"");
	put_attr_num(ob, "width", g->width);
	put_attr_num(ob, "height", g->height);
	obuf_puts(ob, " viewBox=\"0 0 ");
	put_num(ob, g->width);
	obuf_putc(ob, ' ');
	put_num(ob, g->height);
	obuf_puts(ob, "\" onload=\"init(evt)\" font-family=\"");
	put_text_str(ob, o->fonttype);
	obuf_putc(ob, '"');
	put_attr_num(ob, "font-size", g->fs);
	put_attr_num(ob, "data-xpad", XPAD);
	put_attr_num(ob, "data-fontsize", g->fs);
	obuf_puts(ob, " data-fontwidth=\"");
	obuf_fixed(ob, o->fontwidth, 4);
	obuf_puts(ob, g->inverted ? "\" data-inverted=\"1\"" : "\" data-inverted=\"0\"");
	obuf_puts(ob, " data-nametype=\"");
	put_text_str(ob, o->nametype);
	obuf_puts(ob, "\">\n");
	if (o->notes) {
		obuf_puts(ob, "<desc id=\"notes\">");
		put_text_str(ob, o->notes);
		obuf_puts(ob, "</desc>\n");
	}
	if (o->recording) {
		obuf_puts(ob, "<desc id=\"recording\">");
		put_text_str(ob, o->recording);
		obuf_puts(ob, "</desc>\n");
	}
	obuf_puts(ob, "<defs><linearGradient id=\"background\" y1=\"0\" y2=\"1\" "
		      "x1=\"0\" x2=\"0\"><stop stop-color=\"");
	put_text_str(ob, o->bgcolor1);
	obuf_puts(ob, "\" offset=\"5%\"/><stop stop-color=\"");
	put_text_str(ob, o->bgcolor2);
	obuf_puts(ob, "\" offset=\"95%\"/></linearGradient></defs>\n");
	put_style(ob, g);
	obuf_puts(ob, "<script type=\"text/ecmascript\"><![CDATA[\n");
	obuf_puts(ob, svg_script);
	obuf_puts(ob, "]]></script>\n"
		      "<rect x=\"0\" y=\"0\" width=\"100%\" height=\"100%\" "
		      "fill=\"url(#background)\"/>\n");
}

static void put_controls(struct obuf *ob, const struct flame_opts *o,
			 const struct geom *g)
{
	const char *title = o->title;
	double bottom = g->height - g->legendh - g->ypad2 / 2;

	if (!title)
		title = o->flamechart ? "Flame Chart"
			: g->inverted ? "Icicle Graph"
			: g->diff ? "Differential Flame Graph" : "Flame Graph";
	put_label(ob, "title", g->width / 2, g->fs * 2, NULL, title);
	if (o->subtitle)
		put_label(ob, "subtitle", g->width / 2, g->fs * 4, NULL,
			  o->subtitle);
	put_label(ob, "details", XPAD, bottom, NULL, " ");
	put_label(ob, "unzoom", XPAD, g->fs * 2, "hide", "Reset Zoom");
	put_label(ob, "search", g->width - XPAD - 100, g->fs * 2, NULL,
		  "Search");
	put_label(ob, "ignorecase", g->width - XPAD - 16, g->fs * 2, NULL,
		  "ic");
	put_label(ob, "matched", g->width - XPAD - 100, bottom, "hide", " ");
}

/* A row of colour swatches and kind names along the bottom: the colour
 * of a label's own name under the kind palette (the hue band's middle). */
static void put_legend(struct obuf *ob, const struct geom *g)
{
	double x = XPAD, y = g->height - g->legendh + 2, sw = g->fs;

	if (!g->legend)
		return;
	obuf_puts(ob, "<g id=\"legend\" font-size=\"");
	put_num(ob, g->fs - 1);
	obuf_puts(ob, "\">\n");
	for (size_t i = 0; i < sizeof legend_items / sizeof *legend_items; i++) {
		const char *l = legend_items[i].label;

		if (!(g->legend & (1u << legend_items[i].kind)))
			continue;
		obuf_puts(ob, "<rect");
		put_attr_num(ob, "x", x);
		put_attr_num(ob, "y", y);
		put_attr_num(ob, "width", sw);
		put_attr_num(ob, "height", sw - 2);
		obuf_puts(ob, " fill=\"");
		put_color(ob, palette_color(PAL_KIND, legend_items[i].kind,
					    l, strlen(l)));
		obuf_puts(ob, "\"/><text");
		put_attr_num(ob, "x", x + sw + 3);
		put_attr_num(ob, "y", y + sw - 3);
		obuf_putc(ob, '>');
		put_text_str(ob, l);
		obuf_puts(ob, "</text>\n");
		x += sw + 12 + (double)strlen(l) * g->fs * 0.6;
	}
	obuf_puts(ob, "</g>\n");
}

/* "NAME (N samples, P%)" or, differential, "NAME (N samples, P%; before
 * M, +D%)". */
static void put_title(struct obuf *ob, const struct flame_opts *o,
		      const struct geom *g, const struct flame_frame *fr)
{
	obuf_puts(ob, "<title>");
	obuf_xml(ob, fr->name, fr->name_len);
	obuf_puts(ob, " (");
	obuf_count(ob, fr->value);
	obuf_putc(ob, ' ');
	put_text_str(ob, o->countname);
	obuf_puts(ob, ", ");
	if (fr->depth == 0)
		obuf_puts(ob, "100");
	else
		obuf_fixed(ob, 100 * fr->value / g->total, 2);
	obuf_putc(ob, '%');
	if (g->diff) {
		double d = (fr->value - fr->before) * (g->negate ? -1 : 1);

		obuf_puts(ob, "; before ");
		obuf_count(ob, fr->before);
		obuf_puts(ob, d > 0 ? ", +" : ", ");
		obuf_fixed(ob, 100 * d / g->total, 2);
		obuf_putc(ob, '%');
	}
	obuf_puts(ob, ")</title>");
}

static uint32_t frame_color(const struct flame_opts *o, const struct geom *g,
			    const struct flame_frame *fr)
{
	if (g->diff) {
		double d = (fr->value - fr->before) * (g->negate ? -1 : 1);

		return palette_diff(d, g->maxdelta);
	}
	if (o->palfile && fr->kind != TK_MERGED)
		return palfile_color(o->palfile, fr->name, fr->name_len,
				     palette_color(o->colors, fr->kind,
						   fr->name, fr->name_len));
	return palette_color(o->colors, fr->kind, fr->name, fr->name_len);
}

static void put_frame(struct obuf *ob, const struct flame_opts *o,
		      const struct geom *g, const struct flame_frame *fr)
{
	double x = XPAD + fr->x * g->wpt, w = fr->value * g->wpt, y;
	size_t lab;
	int cut;

	if (g->inverted)
		y = g->ypad1 + g->ypad3 + fr->depth * g->fh;
	else
		y = g->height - g->legendh - g->ypad2 - (fr->depth + 1) * g->fh +
		    FRAMEPAD;
	obuf_puts(ob, "<g>");
	put_title(ob, o, g, fr);
	obuf_puts(ob, "<rect");
	put_attr_num(ob, "x", x);
	put_attr_num(ob, "y", y);
	put_attr_num(ob, "width", w);
	put_attr_num(ob, "height", g->fh - FRAMEPAD);
	obuf_puts(ob, " fill=\"");
	put_color(ob, frame_color(o, g, fr));
	obuf_puts(ob, "\" rx=\"2\"/>");
	lab = text_label(fr->name, fr->name_len,
			 (int)fmin(w / (g->fs * o->fontwidth), 1e6), &cut);
	if (lab) {
		obuf_puts(ob, "<text");
		put_attr_num(ob, "x", x + 3);
		put_attr_num(ob, "y", y + (g->fh - FRAMEPAD) / 2 + 3);
		obuf_putc(ob, '>');
		obuf_xml(ob, fr->name, lab);
		if (cut)
			obuf_puts(ob, "..");
		obuf_puts(ob, "</text>");
	}
	obuf_puts(ob, "</g>\n");
}

static void make_geom(struct geom *g, const struct flame_opts *o, int diff,
		      const struct flame_frame *fr, size_t n)
{
	unsigned maxdepth = 0;

	memset(g, 0, sizeof *g);
	g->width = o->width;
	g->fh = o->frameheight;
	g->fs = o->fontsize;
	g->ypad1 = g->fs * 3;
	g->ypad2 = g->fs * 2 + 10;
	g->ypad3 = o->subtitle ? g->fs * 2 : 0;
	g->total = fr[0].value;
	g->wpt = (g->width - 2 * XPAD) / g->total;
	g->inverted = o->inverted;
	g->diff = diff;
	g->negate = o->negate;
	for (size_t i = 0; i < n; i++) {
		if (i > 0)
			g->legend |= 1u << fr[i].kind;
		if (fr[i].depth > maxdepth)
			maxdepth = fr[i].depth;
		if (i > 0 && fabs(fr[i].value - fr[i].before) > g->maxdelta)
			g->maxdelta = fabs(fr[i].value - fr[i].before);
	}
	/* a legend is worth its row when the kind palette tells 2+ kinds */
	if (!o->legend || diff || o->colors != PAL_KIND || o->palfile ||
	    __builtin_popcount(g->legend & ~(1u << TK_MERGED)) < 2)
		g->legend = 0;
	g->legendh = g->legend ? g->fs + 6 : 0;
	g->height = (maxdepth + 1) * g->fh + g->ypad1 + g->ypad2 + g->ypad3 +
		    g->legendh;
}

int flame_write_svg(struct flame *f, int fd)
{
	const struct flame_opts *o = flame_options(f);
	const struct flame_frame *fr;
	struct obuf ob;
	struct geom g;
	size_t n;
	int err = flame_layout(f, &fr, &n);

	if (err)
		return err;
	err = obuf_init(&ob, fd);
	if (err)
		return err;
	make_geom(&g, o, flame_is_diff(f), fr, n);
	put_header(&ob, o, &g);
	put_controls(&ob, o, &g);
	put_legend(&ob, &g);
	obuf_puts(&ob, "<g id=\"frames\">\n");
	for (size_t i = 0; i < n; i++)
		put_frame(&ob, o, &g, &fr[i]);
	obuf_puts(&ob, "</g>\n</svg>\n");
	err = obuf_flush(&ob);
	obuf_free(&ob);
	return err;
}
