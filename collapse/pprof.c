#include "pprof.h"
#include "../common/intern.h"
#include "pprof/profile.pb-c.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

typedef Perftools__Profiles__Profile Profile;
typedef Perftools__Profiles__Sample Sample;
typedef Perftools__Profiles__Location Location;
typedef Perftools__Profiles__Function Function;
typedef Perftools__Profiles__Line Line;
typedef Perftools__Profiles__ValueType ValueType;
typedef Perftools__Profiles__Label Label;

/* Everything the message points into, freed in one place. */
struct pp {
	struct intern *strings; /* string table; id 0 = "" */
	struct intern *funcs;   /* frame name -> function index */
	Sample *samples;
	Sample **sample_ptrs;
	uint64_t *locs;         /* all samples' location ids */
	int64_t *values;
	Label *labels;
	Label **label_ptrs;
	Function *functions;
	Function **function_ptrs;
	Location *locations;
	Location **location_ptrs;
	Line *lines;
	Line **line_ptrs;
	char **strtab;
};

static void pp_free(struct pp *p)
{
	intern_free(p->strings);
	intern_free(p->funcs);
	free(p->samples);
	free(p->sample_ptrs);
	free(p->locs);
	free(p->values);
	free(p->labels);
	free(p->label_ptrs);
	free(p->functions);
	free(p->function_ptrs);
	free(p->locations);
	free(p->location_ptrs);
	free(p->lines);
	free(p->line_ptrs);
	free(p->strtab);
}

static int64_t str_id(struct pp *p, const char *s, size_t n)
{
	return intern_add(p->strings, s, n, NULL);
}

/* Splits each stack into function ids, leaf first, into p->locs. */
static int build_samples(struct pp *p, const struct fold *f,
			 const struct fold_entry *e, size_t n)
{
	size_t total = 0, k = 0;
	int64_t thread = str_id(p, "thread", 6);

	if (thread < 0)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		total++;
		for (size_t j = 0; j < e[i].len; j++)
			total += e[i].stack[j] == ';';
	}
	p->samples = calloc(n, sizeof *p->samples);
	p->sample_ptrs = calloc(n, sizeof *p->sample_ptrs);
	p->locs = calloc(total, sizeof *p->locs);
	p->values = calloc(n, sizeof *p->values);
	p->labels = calloc(n, sizeof *p->labels);
	p->label_ptrs = calloc(n, sizeof *p->label_ptrs);
	if (!p->samples || !p->sample_ptrs || !p->locs || !p->values ||
	    !p->labels || !p->label_ptrs)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		Sample *s = &p->samples[i];
		size_t first = k;

		perftools__profiles__sample__init(s);
		for (size_t b = e[i].len + 1; b > 0;) {
			const char *st = e[i].stack;
			size_t end = b - 1, a = end;
			int64_t id;

			while (a > 0 && st[a - 1] != ';')
				a--;
			id = intern_add(p->funcs, st + a, end - a, NULL);
			if (id < 0)
				return (int)id;
			p->locs[k++] = (uint64_t)id + 1;
			b = a;
		}
		s->location_id = p->locs + first;
		s->n_location_id = k - first;
		p->values[i] = (int64_t)llround(e[i].weight);
		s->value = &p->values[i];
		s->n_value = 1;
		if (e[i].group) {
			const char *g = fold_group_name(f, e[i].group);
			int64_t gid = str_id(p, g, strlen(g));

			if (gid < 0)
				return (int)gid;
			perftools__profiles__label__init(&p->labels[i]);
			p->labels[i].key = thread;
			p->labels[i].str = gid;
			p->label_ptrs[i] = &p->labels[i];
			s->label = &p->label_ptrs[i];
			s->n_label = 1;
		}
		p->sample_ptrs[i] = s;
	}
	return 0;
}

/* One function and one location per unique frame name. */
static int build_functions(struct pp *p)
{
	size_t n = intern_count(p->funcs);

	p->functions = calloc(n ? n : 1, sizeof *p->functions);
	p->function_ptrs = calloc(n ? n : 1, sizeof *p->function_ptrs);
	p->locations = calloc(n ? n : 1, sizeof *p->locations);
	p->location_ptrs = calloc(n ? n : 1, sizeof *p->location_ptrs);
	p->lines = calloc(n ? n : 1, sizeof *p->lines);
	p->line_ptrs = calloc(n ? n : 1, sizeof *p->line_ptrs);
	if (!p->functions || !p->function_ptrs || !p->locations ||
	    !p->location_ptrs || !p->lines || !p->line_ptrs)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		size_t len;
		const char *name = intern_get(p->funcs, (uint32_t)i, &len);
		int64_t sid = str_id(p, name, len);

		if (sid < 0)
			return (int)sid;
		perftools__profiles__function__init(&p->functions[i]);
		p->functions[i].id = i + 1;
		p->functions[i].name = sid;
		p->functions[i].system_name = sid;
		p->function_ptrs[i] = &p->functions[i];
		perftools__profiles__line__init(&p->lines[i]);
		p->lines[i].function_id = i + 1;
		p->line_ptrs[i] = &p->lines[i];
		perftools__profiles__location__init(&p->locations[i]);
		p->locations[i].id = i + 1;
		p->locations[i].line = &p->line_ptrs[i];
		p->locations[i].n_line = 1;
		p->location_ptrs[i] = &p->locations[i];
	}
	return 0;
}

/* gzip-compresses buf and writes it to out. */
static int write_gzip(const uint8_t *buf, size_t len, FILE *out)
{
	z_stream z = { 0 };
	unsigned char obuf[65536];
	int zr, err = 0;

	if (deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8,
			 Z_DEFAULT_STRATEGY) != Z_OK)
		return -ENOMEM;
	z.next_in = (unsigned char *)buf;
	z.avail_in = (uInt)len; /* < 4 GiB: checked by the caller */
	do {
		z.next_out = obuf;
		z.avail_out = sizeof obuf;
		zr = deflate(&z, Z_FINISH);
		if (zr == Z_STREAM_ERROR) {
			err = -EIO;
			break;
		}
		if (fwrite(obuf, 1, sizeof obuf - z.avail_out, out) !=
		    sizeof obuf - z.avail_out) {
			err = -EIO;
			break;
		}
	} while (zr != Z_STREAM_END);
	deflateEnd(&z);
	return err;
}

static int pack_and_write(struct pp *p, Profile *prof, FILE *out)
{
	size_t nstr = intern_count(p->strings), len;
	uint8_t *buf;
	int err;

	p->strtab = calloc(nstr, sizeof *p->strtab);
	if (!p->strtab)
		return -ENOMEM;
	for (size_t i = 0; i < nstr; i++)
		p->strtab[i] = (char *)intern_get(p->strings, (uint32_t)i, NULL);
	prof->string_table = p->strtab;
	prof->n_string_table = nstr;
	len = perftools__profiles__profile__get_packed_size(prof);
	if (len >= UINT32_MAX)
		return -EFBIG;
	buf = malloc(len ? len : 1);
	if (!buf)
		return -ENOMEM;
	perftools__profiles__profile__pack(prof, buf);
	err = write_gzip(buf, len, out);
	free(buf);
	return err;
}

int pprof_write(const struct fold *f, FILE *out)
{
	struct pp p = { 0 };
	Profile prof;
	ValueType vt, *vtp = &vt, period;
	size_t n;
	int err;
	struct fold_entry *e = fold_sorted(f, &n, &err);

	if (err)
		return err;
	perftools__profiles__profile__init(&prof);
	perftools__profiles__value_type__init(&vt);
	perftools__profiles__value_type__init(&period);
	p.strings = intern_new();
	p.funcs = intern_new();
	if (!p.strings || !p.funcs || str_id(&p, "", 0) != 0) {
		err = -ENOMEM;
		goto out;
	}
	vt.type = str_id(&p, "samples", 7);
	vt.unit = str_id(&p, "count", 5);
	period = vt;
	err = build_samples(&p, f, e, n);
	if (!err)
		err = build_functions(&p);
	if (err)
		goto out;
	prof.sample_type = &vtp;
	prof.n_sample_type = 1;
	prof.period_type = &period;
	prof.period = 1;
	prof.sample = p.sample_ptrs;
	prof.n_sample = n;
	prof.function = p.function_ptrs;
	prof.n_function = intern_count(p.funcs);
	prof.location = p.location_ptrs;
	prof.n_location = intern_count(p.funcs);
	err = pack_and_write(&p, &prof, out);
out:
	pp_free(&p);
	free(e);
	return err;
}
