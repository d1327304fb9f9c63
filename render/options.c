#include "options.h"
#include "palfile.h"
#include "../common/error.h"
#include "../common/log.h"
#include "../common/num.h"
#include "../common/outfile.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

static const char usage_svg[] =
	"usage: flamer svg [OPTIONS] [FILE]          (FILE: collapsed stacks or a\n"
	"                                            recording; default stdin)\n"
	"       flamer diff [OPTIONS] BEFORE AFTER    (differential graph of two\n"
	"                                            collapsed files or recordings)\n"
	"\n"
	"A flamer recording (flamer.data) is folded as `flamer collapse` folds it;\n"
	"its command, pid, rate, duration, date and flamer version then go into\n"
	"the SVG's <desc id=\"recording\"> and, unless --subtitle is given, the\n"
	"subtitle.\n"
	"\n"
	"  -o, --output FILE  write the SVG to FILE (default stdout)\n"
	"  --title TEXT       title (default \"Flame Graph\", \"Icicle Graph\", ...)\n"
	"  --subtitle TEXT    second title line\n"
	"  --width PX         image width (default 1200)\n"
	"  --height PX        frame height (default 16)\n"
	"  --minwidth PX|N%   frames narrower than this are merged (default 0.1)\n"
	"  --fonttype FONT    font family (default Verdana)\n"
	"  --fontsize PX      font size (default 12)\n"
	"  --fontwidth F      average glyph width / font size (default 0.59)\n"
	"  --countname NAME   what counts are (default samples)\n"
	"  --nametype TEXT    status line prefix (default \"Function:\")\n"
	"  --colors PALETTE   kind (default: by frame kind), hot, mem, io, red,\n"
	"                     green, blue, aqua, yellow, purple, orange, chain,\n"
	"                     wakeup; java, js, perl, python, erlang = kind\n"
	"  --bgcolors BG      yellow (default), blue, green, grey or #rrggbb\n"
	"  --hash             accepted: colours always come from a hash of the name\n"
	"  --cp               keep colours in ./palette.map (read and updated)\n"
	"  --palfile FILE     like --cp with another file\n"
	"  --reverse          merge stacks from the leaf (reverse each stack)\n"
	"  --inverted         icicle graph: root at the top\n"
	"  --flamechart       keep input order; merge only adjacent frames\n"
	"  --negate           differential: swap red and blue\n"
	"  --sort name|weight children by name (default) or heaviest first\n"
	"  --notes TEXT       text kept in the SVG's <desc>\n"
	"  --no-legend        no legend of the colours by frame kind (drawn\n"
	"                     with the kind palette when 2+ kinds are shown)\n"
	"\n"
	"Examples:\n"
	"  flamer svg flamer.data > profile.svg\n"
	"  flamer collapse --tid flamer.data | flamer svg > profile.svg\n"
	"  flamer svg --title \"API server\" --minwidth 0.5% -o api.svg api.folded\n"
	"  flamer diff --negate before.folded after.folded > diff.svg\n"
	"\n"
	"Exit codes: 0 ok, 1 no stacks / failure, 2 usage, 3 partial (a\n"
	"truncated or damaged recording: drawn up to the damage).\n";

enum {
	O_TITLE = 256, O_SUBTITLE, O_WIDTH, O_HEIGHT, O_MINWIDTH, O_FONTTYPE,
	O_FONTSIZE, O_FONTWIDTH, O_COUNTNAME, O_NAMETYPE, O_COLORS,
	O_BGCOLORS, O_HASH, O_CP, O_PALFILE, O_REVERSE, O_INVERTED,
	O_FLAMECHART, O_NEGATE, O_SORT, O_NOTES, O_NO_LEGEND,
};

static const struct option longopts[] = {
	{ "output", required_argument, NULL, 'o' },
	{ "help", no_argument, NULL, 'h' },
	{ "title", required_argument, NULL, O_TITLE },
	{ "subtitle", required_argument, NULL, O_SUBTITLE },
	{ "no-legend", no_argument, NULL, O_NO_LEGEND },
	{ "width", required_argument, NULL, O_WIDTH },
	{ "height", required_argument, NULL, O_HEIGHT },
	{ "minwidth", required_argument, NULL, O_MINWIDTH },
	{ "fonttype", required_argument, NULL, O_FONTTYPE },
	{ "fontsize", required_argument, NULL, O_FONTSIZE },
	{ "fontwidth", required_argument, NULL, O_FONTWIDTH },
	{ "countname", required_argument, NULL, O_COUNTNAME },
	{ "nametype", required_argument, NULL, O_NAMETYPE },
	{ "colors", required_argument, NULL, O_COLORS },
	{ "bgcolors", required_argument, NULL, O_BGCOLORS },
	{ "hash", no_argument, NULL, O_HASH },
	{ "cp", no_argument, NULL, O_CP },
	{ "palfile", required_argument, NULL, O_PALFILE },
	{ "reverse", no_argument, NULL, O_REVERSE },
	{ "inverted", no_argument, NULL, O_INVERTED },
	{ "flamechart", no_argument, NULL, O_FLAMECHART },
	{ "negate", no_argument, NULL, O_NEGATE },
	{ "sort", required_argument, NULL, O_SORT },
	{ "notes", required_argument, NULL, O_NOTES },
	{ NULL, 0, NULL, 0 },
};

static int parse_minwidth(const char *s, struct flame_opts *fo)
{
	char buf[64];
	size_t n = strlen(s);

	if (n == 0 || n >= sizeof buf)
		return -FE_NUMBER;
	memcpy(buf, s, n + 1);
	fo->minwidth_pct = buf[n - 1] == '%';
	if (fo->minwidth_pct)
		buf[n - 1] = '\0';
	return num_parse_double(buf, 0, fo->minwidth_pct ? 100 : 1e6,
				&fo->minwidth);
}

static int is_hex_color(const char *s)
{
	if (strlen(s) != 7 || s[0] != '#')
		return 0;
	return strspn(s + 1, "0123456789abcdefABCDEF") == 6;
}

static int parse_bg(const char *s, struct flame_opts *fo)
{
	static const struct {
		const char *name, *c1, *c2;
	} bgs[] = {
		{ "yellow", "#eeeeee", "#eeeeb0" },
		{ "blue", "#eeeeee", "#e0e0ff" },
		{ "green", "#eef2ee", "#e0ffe0" },
		{ "grey", "#f8f8f8", "#e8e8e8" },
	};

	for (size_t i = 0; i < sizeof bgs / sizeof bgs[0]; i++) {
		if (!strcmp(s, bgs[i].name)) {
			fo->bgcolor1 = bgs[i].c1;
			fo->bgcolor2 = bgs[i].c2;
			return 0;
		}
	}
	if (!is_hex_color(s))
		return -FE_SYNTAX;
	fo->bgcolor1 = fo->bgcolor2 = s;
	return 0;
}

/* One option with an argument; 0 or a negative code. */
static int parse_one(int opt, const char *arg, struct render_cmd *c)
{
	struct flame_opts *fo = &c->fo;

	switch (opt) {
	case 'o': c->out = arg; return 0;
	case O_TITLE: fo->title = arg; return 0;
	case O_SUBTITLE: fo->subtitle = arg; return 0;
	case O_WIDTH: return num_parse_double(arg, 40, 1e6, &fo->width);
	case O_HEIGHT: return num_parse_double(arg, 2, 1000, &fo->frameheight);
	case O_MINWIDTH: return parse_minwidth(arg, fo);
	case O_FONTTYPE: fo->fonttype = arg; return 0;
	case O_FONTSIZE: return num_parse_double(arg, 1, 1000, &fo->fontsize);
	case O_FONTWIDTH:
		return num_parse_double(arg, 0.01, 10, &fo->fontwidth);
	case O_COUNTNAME: fo->countname = arg; return 0;
	case O_NAMETYPE: fo->nametype = arg; return 0;
	case O_COLORS: return palette_parse(arg, &fo->colors);
	case O_BGCOLORS: return parse_bg(arg, fo);
	case O_HASH: return 0;
	case O_CP: c->palfile = "palette.map"; return 0;
	case O_PALFILE: c->palfile = arg; return 0;
	case O_REVERSE: fo->reverse = 1; return 0;
	case O_INVERTED: fo->inverted = 1; return 0;
	case O_FLAMECHART: fo->flamechart = 1; return 0;
	case O_NEGATE: fo->negate = 1; return 0;
	case O_NOTES: fo->notes = arg; return 0;
	case O_NO_LEGEND: fo->legend = 0; return 0;
	case O_SORT:
		if (!strcmp(arg, "weight"))
			fo->sort_weight = 1;
		else if (!strcmp(arg, "name"))
			fo->sort_weight = 0;
		else
			return -FE_SYNTAX;
		return 0;
	}
	return -FE_SYNTAX;
}

int render_parse_args(int argc, char **argv, struct render_cmd *c)
{
	int opt;

	memset(c, 0, sizeof *c);
	flame_opts_default(&c->fo);
	c->out = "-";
	optind = 1;
	opterr = 0;
	while ((opt = getopt_long(argc, argv, ":o:h", longopts, NULL)) != -1) {
		int err;

		if (opt == 'h') {
			fputs(usage_svg, stdout);
			return FLAMER_EXIT_OK;
		}
		if (opt == '?' || opt == ':') {
			fl_error(argv[0], "%s '%s' (try --help)",
				 opt == '?' ? "unknown option" : "missing value for",
				 argv[optind - 1]);
			return FLAMER_EXIT_USAGE;
		}
		err = parse_one(opt, optarg, c);
		if (err) {
			fl_error(argv[0], "%s: bad value '%s': %s",
				 argv[optind - 1], optarg ? optarg : "",
				 flamer_strerror(err));
			return FLAMER_EXIT_USAGE;
		}
	}
	c->args = argv + optind;
	c->nargs = argc - optind;
	return -1;
}

/* Writes the SVG (the palette file, if any, is loaded in c->fo). */
static int write_svg(struct flame *f, const struct render_cmd *c)
{
	int err = 0;
	struct outfile *of = outfile_open(c->out, &err);

	if (!of) {
		fl_error(c->out, "cannot create: %s", flamer_strerror(err));
		return FLAMER_EXIT_FAIL;
	}
	err = flame_write_svg(f, outfile_fd(of));
	if (err) {
		outfile_abort(of);
		fl_error(c->out, "%s", flamer_strerror(err));
		return FLAMER_EXIT_FAIL;
	}
	err = outfile_commit(of);
	if (err) {
		fl_error(c->out, "%s", flamer_strerror(err));
		return FLAMER_EXIT_FAIL;
	}
	return FLAMER_EXIT_OK;
}

int render_output(struct flame *f, struct render_cmd *c)
{
	int err = 0, rc;

	if (!c->palfile)
		return write_svg(f, c);
	c->fo.palfile = palfile_load(c->palfile, &err);
	if (!c->fo.palfile) {
		fl_error(c->palfile, "cannot read palette: %s",
			 flamer_strerror(err));
		return FLAMER_EXIT_FAIL;
	}
	flame_set_palfile(f, c->fo.palfile);
	rc = write_svg(f, c);
	if (rc == FLAMER_EXIT_OK) {
		err = palfile_save(c->fo.palfile, c->palfile);
		if (err) {
			fl_error(c->palfile, "cannot write palette: %s",
				 flamer_strerror(err));
			rc = FLAMER_EXIT_PARTIAL;
		}
	}
	flame_set_palfile(f, NULL);
	palfile_free(c->fo.palfile);
	c->fo.palfile = NULL;
	return rc;
}
