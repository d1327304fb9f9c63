#include "pprof.h"
#include "../common/intern.h"
#include "profile.pb-c.h" /* generated at build time (Makefile) */

#include <errno.h>
#include <math.h>
#include <stdio.h>
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
typedef Perftools__Profiles__Mapping Mapping;

/* Values per sample.  A recording with a known rate has two, like
 * `perf`-derived pprof files: samples/count and cpu/nanoseconds (count x
 * period).  Collapsed text has one.  A recording with off-CPU intervals
 * has two more: off_cpu/nanoseconds (time waited) and wall/nanoseconds
 * (CPU plus off-CPU time).  An on-CPU sample has off_cpu 0; an off-CPU
 * interval has samples and cpu 0. */
#define PP_MAX_VALUES 4
#define PP_LABELS 3 /* thread (string), pid, tid (numbers) */

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
	Mapping *mappings;
	Mapping **mapping_ptrs;
	struct fold_module *mods;
	uint64_t *mod2map;      /* module id -> mapping id (0 = none) */
	int64_t *locmod;        /* location index -> module id or -1 */
	size_t nmods, nmaps;
	size_t nloc, nfunc;     /* locations and functions made */
	int nvalues;
	int off_idx;            /* index of off_cpu, wall follows; 0 = none */
	double period_ns;
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
	free(p->mappings);
	free(p->mapping_ptrs);
	free(p->mods);
	free(p->mod2map);
	free(p->locmod);
}

static int64_t str_id(struct pp *p, const char *s, size_t n)
{
	return intern_add(p->strings, s, n, NULL);
}

/* Labels of a sample in a recording's thread group "comm-PID/TID name":
 * thread = the group's text, pid and tid as numbers. */
static int add_labels(struct pp *p, Sample *s, Label *l, Label **lp,
		      const char *g, int64_t thread, int64_t pidk,
		      int64_t tidk)
{
	int64_t gid = str_id(p, g, strlen(g));
	const char *sp = strchr(g, ' '), *dash = NULL;
	unsigned pid, tid;

	if (gid < 0)
		return (int)gid;
	for (const char *c = g; *c && (!sp || c < sp); c++)
		if (*c == '-')
			dash = c;
	s->label = lp;
	perftools__profiles__label__init(&l[0]);
	l[0].key = thread;
	l[0].str = gid;
	lp[0] = &l[0];
	s->n_label = 1;
	if (dash && sscanf(dash + 1, "%u/%u", &pid, &tid) == 2) {
		perftools__profiles__label__init(&l[1]);
		perftools__profiles__label__init(&l[2]);
		l[1].key = pidk;
		l[1].num = pid;
		l[2].key = tidk;
		l[2].num = tid;
		lp[1] = &l[1];
		lp[2] = &l[2];
		s->n_label = 3;
	}
	return 0;
}

/* One mapping per module a recording named, the recorded program's
 * executable first (pprof takes the first mapping as the main binary). */
static int build_mappings(struct pp *p, const struct fold *f)
{
	const char *main_exe = fold_info_get(f)->main_exe;
	size_t n = p->nmods, k = 0, nloc = p->nloc;
	unsigned char *used = calloc(n ? n : 1, 1);

	p->mappings = calloc(n ? n : 1, sizeof *p->mappings);
	p->mapping_ptrs = calloc(n ? n : 1, sizeof *p->mapping_ptrs);
	p->mod2map = calloc(n ? n : 1, sizeof *p->mod2map);
	if (!used || !p->mappings || !p->mapping_ptrs || !p->mod2map) {
		free(used);
		return -ENOMEM;
	}
	for (size_t i = 0; i < nloc; i++)
		if (p->locmod[i] >= 0)
			used[p->locmod[i]] = 1;
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < n; i++) {
			const struct fold_module *m = &p->mods[i];
			int is_main = *main_exe && !strcmp(m->path, main_exe);
			Mapping *mp = &p->mappings[k];
			int64_t fn, bid;

			if (!used[i] || is_main != (pass == 0))
				continue;
			fn = str_id(p, m->path, strlen(m->path));
			bid = str_id(p, m->build_id, strlen(m->build_id));
			if (fn < 0 || bid < 0) {
				free(used);
				return -ENOMEM;
			}
			perftools__profiles__mapping__init(mp);
			mp->id = k + 1;
			if (m->pid != UINT32_MAX) {
				mp->memory_start = m->start;
				mp->memory_limit = m->end;
				mp->file_offset = m->pgoff;
			}
			mp->filename = fn;
			mp->build_id = bid;
			mp->has_functions = 1;
			p->mapping_ptrs[k] = mp;
			p->mod2map[i] = ++k;
		}
	}
	p->nmaps = k;
	free(used);
	for (size_t i = 0; i < nloc; i++)
		if (p->locmod[i] >= 0)
			p->locations[i].mapping_id = p->mod2map[p->locmod[i]];
	return 0;
}

/* The values of a sample of weight w: on-CPU samples (a count), or with
 * offcpu an off-CPU interval (microseconds). */
static void set_values(const struct pp *p, int64_t *v, double w, int offcpu)
{
	memset(v, 0, PP_MAX_VALUES * sizeof *v);
	if (offcpu) {
		if (p->off_idx) {
			v[p->off_idx] = (int64_t)llround(w * 1000);
			v[p->off_idx + 1] = v[p->off_idx];
		}
		return;
	}
	v[0] = (int64_t)llround(w);
	if (p->period_ns > 0) {
		v[1] = (int64_t)llround(w * p->period_ns);
		if (p->off_idx)
			v[p->off_idx + 1] = v[1];
	}
}

/* Whether any entry is an off-CPU interval. */
static int any_offcpu(const struct fold_entry *e, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (e[i].offcpu)
			return 1;
	return 0;
}

/* Splits each stack into function ids, leaf first, into p->locs. */
static int build_samples(struct pp *p, const struct fold *f,
			 const struct fold_entry *e, size_t n)
{
	size_t total = 0, k = 0;
	int64_t thread = str_id(p, "thread", 6), pidk = str_id(p, "pid", 3),
		tidk = str_id(p, "tid", 3);

	if (thread < 0 || pidk < 0 || tidk < 0)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		total++;
		for (size_t j = 0; j < e[i].len; j++)
			total += e[i].stack[j] == ';';
	}
	p->samples = calloc(n, sizeof *p->samples);
	p->sample_ptrs = calloc(n, sizeof *p->sample_ptrs);
	p->locs = calloc(total, sizeof *p->locs);
	p->values = calloc(n * PP_MAX_VALUES, sizeof *p->values);
	p->labels = calloc(n * PP_LABELS, sizeof *p->labels);
	p->label_ptrs = calloc(n * PP_LABELS, sizeof *p->label_ptrs);
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
		s->value = &p->values[i * PP_MAX_VALUES];
		set_values(p, s->value, e[i].weight, e[i].offcpu);
		s->n_value = (size_t)p->nvalues;
		if (e[i].group) {
			int err = add_labels(p, s, &p->labels[i * PP_LABELS],
					     &p->label_ptrs[i * PP_LABELS],
					     fold_group_name(f, e[i].group),
					     thread, pidk, tidk);

			if (err)
				return err;
		}
		p->sample_ptrs[i] = s;
	}
	return 0;
}

/* One function and one location per unique frame name. */
static int build_functions(struct pp *p, const struct fold *f)
{
	size_t n = intern_count(p->funcs);

	p->functions = calloc(n ? n : 1, sizeof *p->functions);
	p->function_ptrs = calloc(n ? n : 1, sizeof *p->function_ptrs);
	p->locations = calloc(n ? n : 1, sizeof *p->locations);
	p->location_ptrs = calloc(n ? n : 1, sizeof *p->location_ptrs);
	p->lines = calloc(n ? n : 1, sizeof *p->lines);
	p->line_ptrs = calloc(n ? n : 1, sizeof *p->line_ptrs);
	p->locmod = calloc(n ? n : 1, sizeof *p->locmod);
	p->mods = fold_modules(f, &p->nmods);
	if (!p->functions || !p->function_ptrs || !p->locations ||
	    !p->location_ptrs || !p->lines || !p->line_ptrs || !p->locmod ||
	    !p->mods)
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
		p->locmod[i] = fold_module_of(f, name, len);
		if (p->locmod[i] >= (int64_t)p->nmods)
			p->locmod[i] = -1;
		p->locations[i].n_line = 1;
		p->location_ptrs[i] = &p->locations[i];
	}
	p->nloc = p->nfunc = n;
	return 0;
}

/* Value and labels of sample i (storage at index i). */
static int fill_sample(struct pp *p, const struct fold *f, size_t i,
		       double weight, int offcpu, uint32_t group,
		       const int64_t keys[3])
{
	Sample *s = &p->samples[i];

	s->value = &p->values[i * PP_MAX_VALUES];
	set_values(p, s->value, weight, offcpu);
	s->n_value = (size_t)p->nvalues;
	p->sample_ptrs[i] = s;
	if (!group)
		return 0;
	return add_labels(p, s, &p->labels[i * PP_LABELS],
			  &p->label_ptrs[i * PP_LABELS],
			  fold_group_name(f, group), keys[0], keys[1], keys[2]);
}

/* A recording with code locations: one pprof location per location (its
 * address in the module's mapping, its frames as Line entries innermost
 * first), one function per (name, source file), one sample per location
 * stack. */
static int build_from_locs(struct pp *p, const struct fold *f)
{
	size_t nl = fold_loc_count(f), ns = fold_locstack_count(f), nlines = 0;
	size_t total = 0, li = 0, k = 0;
	int64_t keys[3] = { str_id(p, "thread", 6), str_id(p, "pid", 3),
			    str_id(p, "tid", 3) };
	static struct fold_loc fl; /* 2.5 KiB: not on the stack */
	int err;

	if (keys[0] < 0 || keys[1] < 0 || keys[2] < 0)
		return -ENOMEM;
	for (size_t i = 0; i < nl; i++) {
		if (fold_loc_get(f, (uint32_t)i, &fl))
			return -EINVAL;
		nlines += fl.n;
	}
	for (size_t i = 0; i < ns; i++) {
		uint32_t e;
		size_t n;
		double w;

		fold_locstack(f, i, &e, &n, &w);
		total += n;
	}
	p->mods = fold_modules(f, &p->nmods);
	p->locations = calloc(nl ? nl : 1, sizeof *p->locations);
	p->location_ptrs = calloc(nl ? nl : 1, sizeof *p->location_ptrs);
	p->locmod = calloc(nl ? nl : 1, sizeof *p->locmod);
	p->lines = calloc(nlines ? nlines : 1, sizeof *p->lines);
	p->line_ptrs = calloc(nlines ? nlines : 1, sizeof *p->line_ptrs);
	p->samples = calloc(ns ? ns : 1, sizeof *p->samples);
	p->sample_ptrs = calloc(ns ? ns : 1, sizeof *p->sample_ptrs);
	p->locs = calloc(total ? total : 1, sizeof *p->locs);
	p->values = calloc((ns ? ns : 1) * PP_MAX_VALUES, sizeof *p->values);
	p->labels = calloc((ns ? ns : 1) * PP_LABELS, sizeof *p->labels);
	p->label_ptrs = calloc((ns ? ns : 1) * PP_LABELS, sizeof *p->label_ptrs);
	if (!p->mods || !p->locations || !p->location_ptrs || !p->locmod ||
	    !p->lines || !p->line_ptrs || !p->samples || !p->sample_ptrs ||
	    !p->locs || !p->values || !p->labels || !p->label_ptrs)
		return -ENOMEM;
	for (size_t i = 0; i < nl; i++) {
		Location *loc = &p->locations[i];
		int64_t mod;

		fold_loc_get(f, (uint32_t)i, &fl);
		perftools__profiles__location__init(loc);
		loc->id = i + 1;
		mod = fl.mlen ? fold_module_find(f, fl.module, fl.mlen)
			      : fold_module_of(f, fl.lines[0].name,
					       fl.lines[0].nlen);
		p->locmod[i] = mod >= 0 && mod < (int64_t)p->nmods ? mod : -1;
		if (fl.mlen && p->locmod[i] >= 0) {
			const struct fold_module *m = &p->mods[mod];

			/* the file offset in the mapping pprof is given */
			if (m->pid != UINT32_MAX && fl.offset >= m->pgoff &&
			    fl.offset - m->pgoff < m->end - m->start)
				loc->address = m->start + (fl.offset - m->pgoff);
		}
		loc->line = &p->line_ptrs[li];
		loc->n_line = fl.n;
		for (uint32_t j = 0; j < fl.n; j++, li++) {
			const struct fold_line *l = &fl.lines[j];
			char *key = malloc(l->nlen + 1 + l->flen);
			int64_t fid;

			if (!key)
				return -ENOMEM;
			memcpy(key, l->name, l->nlen);
			key[l->nlen] = '\0';
			memcpy(key + l->nlen + 1, l->file, l->flen);
			fid = intern_add(p->funcs, key, l->nlen + 1 + l->flen,
					 NULL);
			free(key);
			if (fid < 0)
				return (int)fid;
			perftools__profiles__line__init(&p->lines[li]);
			p->lines[li].function_id = (uint64_t)fid + 1;
			p->lines[li].line = l->line;
			p->line_ptrs[li] = &p->lines[li];
		}
		p->location_ptrs[i] = loc;
	}
	p->nloc = nl;
	p->nfunc = intern_count(p->funcs);
	p->functions = calloc(p->nfunc ? p->nfunc : 1, sizeof *p->functions);
	p->function_ptrs = calloc(p->nfunc ? p->nfunc : 1,
				  sizeof *p->function_ptrs);
	if (!p->functions || !p->function_ptrs)
		return -ENOMEM;
	for (size_t i = 0; i < p->nfunc; i++) {
		size_t len;
		const char *key = intern_get(p->funcs, (uint32_t)i, &len);
		size_t nlen = strlen(key); /* names hold no NUL (recfold) */
		int64_t sid = str_id(p, key, nlen),
			file = str_id(p, key + nlen + 1, len - nlen - 1);

		if (sid < 0 || file < 0)
			return -ENOMEM;
		perftools__profiles__function__init(&p->functions[i]);
		p->functions[i].id = i + 1;
		p->functions[i].name = sid;
		p->functions[i].system_name = sid;
		p->functions[i].filename = file;
		p->function_ptrs[i] = &p->functions[i];
	}
	for (size_t i = 0; i < ns; i++) {
		uint32_t e;
		size_t n;
		double w;
		const char *ids = fold_locstack(f, i, &e, &n, &w);
		Sample *s = &p->samples[i];

		perftools__profiles__sample__init(s);
		s->location_id = p->locs + k;
		s->n_location_id = n;
		for (size_t j = 0; j < n; j++) {
			uint32_t id;

			memcpy(&id, ids + 4 * j, 4);
			p->locs[k++] = (uint64_t)id + 1;
		}
		err = fill_sample(p, f, i, w, fold_entry_offcpu(f, e),
				  fold_entry_group(f, e), keys);
		if (err)
			return err;
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

int pprof_write(const struct fold *f, enum pprof_view view, FILE *out)
{
	struct pp p = { 0 };
	Profile prof;
	ValueType vt[PP_MAX_VALUES], *vtp[PP_MAX_VALUES], period;
	const struct fold_info *info = fold_info_get(f);
	size_t n;
	int err;
	struct fold_entry *e = fold_sorted(f, &n, &err);

	if (err)
		return err;
	perftools__profiles__profile__init(&prof);
	perftools__profiles__value_type__init(&period);
	p.strings = intern_new();
	p.funcs = intern_new();
	if (!p.strings || !p.funcs || str_id(&p, "", 0) != 0) {
		err = -ENOMEM;
		goto out;
	}
	p.period_ns = info->period_ns;
	/* off_cpu and wall are in nanoseconds like cpu: only with a period */
	p.nvalues = info->period_ns > 0 ? 2 : 1;
	if (p.nvalues > 1 && any_offcpu(e, n)) {
		p.off_idx = 2;
		p.nvalues = 4;
	}
	for (int i = 0; i < p.nvalues; i++) {
		static const char *const type[] = { "samples", "cpu", "off_cpu",
						    "wall" };

		perftools__profiles__value_type__init(&vt[i]);
		vtp[i] = &vt[i];
		vt[i].type = str_id(&p, type[i], strlen(type[i]));
		vt[i].unit = i ? str_id(&p, "nanoseconds", 11)
			       : str_id(&p, "count", 5);
	}
	period = vt[p.nvalues > 1];
	if (view != PPROF_CPU && !p.off_idx) {
		err = -ENODATA; /* the caller said why (no off-CPU data) */
		goto out;
	}
	/* which value `go tool pprof` shows unless told (-sample_index) */
	if (view == PPROF_OFFCPU)
		prof.default_sample_type = vt[2].type;
	else if (view == PPROF_WALL)
		prof.default_sample_type = vt[3].type;
	else if (p.off_idx)
		prof.default_sample_type = vt[1].type; /* not the last (wall) */
	if (fold_locstack_count(f)) {
		err = build_from_locs(&p, f);
		n = fold_locstack_count(f);
	} else {
		err = build_samples(&p, f, e, n);
		if (!err)
			err = build_functions(&p, f);
	}
	if (!err)
		err = build_mappings(&p, f);
	if (err)
		goto out;
	prof.sample_type = vtp;
	prof.n_sample_type = (size_t)p.nvalues;
	prof.period_type = &period;
	prof.period = p.nvalues > 1 ? llround(info->period_ns) : 1;
	prof.time_nanos = (int64_t)info->start_ns;
	prof.duration_nanos = (int64_t)info->duration_ns;
	prof.mapping = p.mapping_ptrs;
	prof.n_mapping = p.nmaps;
	prof.sample = p.sample_ptrs;
	prof.n_sample = n;
	prof.function = p.function_ptrs;
	prof.n_function = p.nfunc;
	prof.location = p.location_ptrs;
	prof.n_location = p.nloc;
	err = pack_and_write(&p, &prof, out);
out:
	pp_free(&p);
	free(e);
	return err;
}
