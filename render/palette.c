#include "palette.h"
#include "../common/error.h"
#include "../common/intern.h"

#include <math.h>
#include <string.h>

int palette_parse(const char *s, enum palette *out)
{
	static const struct {
		const char *name;
		enum palette pal;
	} names[] = {
		{ "kind", PAL_KIND }, { "auto", PAL_KIND },
		{ "java", PAL_KIND }, { "js", PAL_KIND }, { "perl", PAL_KIND },
		{ "python", PAL_KIND }, { "erlang", PAL_KIND },
		{ "elixir", PAL_KIND }, { "native", PAL_KIND },
		{ "hot", PAL_HOT }, { "mem", PAL_MEM }, { "io", PAL_IO },
		{ "red", PAL_RED }, { "green", PAL_GREEN },
		{ "blue", PAL_BLUE }, { "aqua", PAL_AQUA },
		{ "yellow", PAL_YELLOW }, { "purple", PAL_PURPLE },
		{ "orange", PAL_ORANGE }, { "wakeup", PAL_AQUA },
		{ "chain", PAL_CHAIN },
	};

	for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
		if (!strcmp(s, names[i].name)) {
			*out = names[i].pal;
			return 0;
		}
	}
	return -FE_SYNTAX;
}

static uint32_t rgb(double r, double g, double b)
{
	unsigned ri = (unsigned)fmin(fmax(r, 0), 255);
	unsigned gi = (unsigned)fmin(fmax(g, 0), 255);
	unsigned bi = (unsigned)fmin(fmax(b, 0), 255);

	return (ri << 16) | (gi << 8) | bi;
}

/* h in degrees, s and l in [0, 1]. */
static uint32_t hsl(double h, double s, double l)
{
	double c = (1 - fabs(2 * l - 1)) * s;
	double hp = fmod(h, 360) / 60;
	double x = c * (1 - fabs(fmod(hp, 2) - 1));
	double m = l - c / 2, r = 0, g = 0, b = 0;

	if (hp < 1)
		r = c, g = x;
	else if (hp < 2)
		r = x, g = c;
	else if (hp < 3)
		g = c, b = x;
	else if (hp < 4)
		g = x, b = c;
	else if (hp < 5)
		r = x, b = c;
	else
		r = c, b = x;
	return rgb((r + m) * 255, (g + m) * 255, (b + m) * 255);
}

/* One hue band per kind: hue from, hue span, saturation, lightness. */
static uint32_t kind_color(enum text_kind kind, double v1, double v2)
{
	static const struct {
		double h, dh, s, l;
	} band[TK_MAX_] = {
		[TK_NATIVE] = { 352, 24, 0.80, 0.60 },  /* red */
		[TK_KERNEL] = { 32, 12, 0.95, 0.50 },   /* orange */
		[TK_JIT] = { 95, 35, 0.55, 0.55 },      /* green */
		[TK_INLINE] = { 172, 18, 0.55, 0.55 },  /* aqua */
		[TK_WAKER] = { 58, 6, 0.70, 0.62 },     /* yellow */
		[TK_PYTHON] = { 200, 28, 0.70, 0.62 },  /* blue */
		[TK_ERLANG] = { 275, 35, 0.55, 0.66 },  /* purple */
		[TK_SPECIAL] = { 0, 0, 0, 0.72 },       /* grey */
		[TK_BROKEN] = { 340, 10, 0.25, 0.65 },  /* grey-pink */
		[TK_MERGED] = { 0, 0, 0, 0.82 },        /* light grey */
		[TK_OFFCPU] = { 228, 14, 0.60, 0.55 },  /* io blue, darker
							 * than Python's */
	};
	double s = band[kind].s, l = band[kind].l + 0.08 * (v2 - 0.5);

	if (kind == TK_SPECIAL)
		l += 0.10 * (v1 - 0.5);
	return hsl(band[kind].h + band[kind].dh * v1, s, l);
}

uint32_t palette_color(enum palette pal, enum text_kind kind,
		       const char *name, size_t n)
{
	uint64_t h = intern_hash(name, n);
	double v1 = (double)(h & 0xffff) / 0xffff;
	double v2 = (double)((h >> 16) & 0xffff) / 0xffff;
	double v3 = (double)((h >> 32) & 0xffff) / 0xffff;

	if (kind == TK_MERGED)
		return kind_color(kind, v1, v2);
	switch (pal) {
	case PAL_KIND: return kind_color(kind, v1, v2);
	case PAL_HOT: return rgb(205 + 50 * v3, 230 * v1, 55 * v2);
	case PAL_MEM: return rgb(0, 190 + 50 * v2, 210 * v1);
	case PAL_IO: return rgb(80 + 60 * v1, 80 + 60 * v1, 190 + 55 * v2);
	case PAL_RED: return rgb(200 + 55 * v1, 50 + 80 * v1, 50 + 80 * v1);
	case PAL_GREEN: return rgb(50 + 60 * v1, 200 + 55 * v1, 50 + 60 * v1);
	case PAL_BLUE: return rgb(80 + 60 * v1, 80 + 60 * v1, 205 + 50 * v1);
	case PAL_AQUA: return rgb(50 + 60 * v1, 165 + 55 * v1, 165 + 55 * v1);
	case PAL_YELLOW: return rgb(175 + 55 * v1, 175 + 55 * v1, 50 + 20 * v1);
	case PAL_PURPLE: return rgb(190 + 65 * v1, 80 + 60 * v1, 190 + 65 * v1);
	case PAL_ORANGE: return rgb(190 + 65 * v1, 90 + 65 * v1, 0);
	case PAL_CHAIN:
		return kind == TK_WAKER ? rgb(50 + 60 * v1, 165 + 55 * v1,
					      165 + 55 * v1)
					: rgb(80 + 60 * v1, 80 + 60 * v1,
					      205 + 50 * v1);
	}
	return 0;
}

uint32_t palette_diff(double delta, double max)
{
	double f;

	if (!(max > 0) || delta == 0)
		return 0xffffff;
	f = fmin(fabs(delta) / max, 1);
	if (delta > 0)
		return rgb(255, 210 * (1 - f), 210 * (1 - f));
	return rgb(210 * (1 - f), 210 * (1 - f), 255);
}
