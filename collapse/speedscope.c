#include "speedscope.h"
#include "../common/intern.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#ifndef FLAMER_VERSION
#define FLAMER_VERSION "0.1.0"
#endif

/* Length of the valid UTF-8 sequence at s (1..4), or 0 if invalid. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t len;
	unsigned cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		len = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		len = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		len = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (n < len)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((len == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return len;
}

void speedscope_json_string(FILE *out, const char *str, size_t n)
{
	const unsigned char *s = (const unsigned char *)str;

	putc('"', out);
	for (size_t i = 0; i < n;) {
		size_t l = utf8_len(s + i, n - i);

		if (l == 0) {
			fputs("\\ufffd", out);
			i++;
		} else if (l > 1) {
			fwrite(s + i, 1, l, out);
			i += l;
		} else {
			unsigned char c = s[i++];

			if (c == '"' || c == '\\')
				fprintf(out, "\\%c", c);
			else if (c < 0x20 || c == 0x7f)
				fprintf(out, "\\u%04x", c);
			else
				putc(c, out);
		}
	}
	putc('"', out);
}

/* Splits every stack into frames; fills ids (frame index per level) per
 * entry into one array: offs[i] .. offs[i + 1]. */
struct split {
	struct intern *frames;
	uint32_t *ids;
	size_t *offs;
};

static int split_all(const struct fold_entry *e, size_t n, struct split *sp)
{
	size_t total = 0, k = 0;

	for (size_t i = 0; i < n; i++) {
		total++;
		for (size_t j = 0; j < e[i].len; j++)
			total += e[i].stack[j] == ';';
	}
	sp->frames = intern_new();
	sp->ids = malloc((total ? total : 1) * sizeof *sp->ids);
	sp->offs = malloc((n + 1) * sizeof *sp->offs);
	if (!sp->frames || !sp->ids || !sp->offs)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const char *s = e[i].stack;
		size_t len = e[i].len, a = 0;

		sp->offs[i] = k;
		while (a <= len) {
			const char *semi = memchr(s + a, ';', len - a);
			size_t b = semi ? (size_t)(semi - s) : len;
			int64_t id = intern_add(sp->frames, s + a, b - a, NULL);

			if (id < 0)
				return (int)id;
			sp->ids[k++] = (uint32_t)id;
			a = b + 1;
		}
	}
	sp->offs[n] = k;
	return 0;
}

/* The profile an entry belongs to: its group, or its root frame. */
static uint32_t profile_of(const struct fold *f, const struct split *sp,
			   const struct fold_entry *e, size_t i)
{
	return fold_ngroups(f) ? e[i].group : sp->ids[sp->offs[i]];
}

static void write_profile(FILE *out, const struct fold *f,
			  const struct split *sp, const struct fold_entry *e,
			  size_t n, uint32_t prof, const char *name)
{
	double total = 0;
	char num[32];
	int first = 1;

	for (size_t i = 0; i < n; i++)
		if (profile_of(f, sp, e, i) == prof)
			total += e[i].weight;
	fputs("{\"type\":\"sampled\",\"name\":", out);
	speedscope_json_string(out, name, strlen(name));
	fold_format_weight(total, num);
	fprintf(out, ",\"unit\":\"none\",\"startValue\":0,\"endValue\":%s,"
		     "\"samples\":[", num);
	for (size_t i = 0; i < n; i++) {
		if (profile_of(f, sp, e, i) != prof)
			continue;
		fputs(first ? "[" : ",[", out);
		first = 0;
		for (size_t k = sp->offs[i]; k < sp->offs[i + 1]; k++)
			fprintf(out, k > sp->offs[i] ? ",%u" : "%u", sp->ids[k]);
		putc(']', out);
	}
	fputs("],\"weights\":[", out);
	first = 1;
	for (size_t i = 0; i < n; i++) {
		if (profile_of(f, sp, e, i) != prof)
			continue;
		fold_format_weight(e[i].weight, num);
		fprintf(out, first ? "%s" : ",%s", num);
		first = 0;
	}
	fputs("]}", out);
}

static int write_profiles(FILE *out, const struct fold *f,
			  const struct split *sp, const struct fold_entry *e,
			  size_t n)
{
	size_t nprof = fold_ngroups(f) ? fold_ngroups(f) + 1 :
					 intern_count(sp->frames);
	unsigned char *used = calloc(nprof ? nprof : 1, 1);
	int first = 1;

	if (!used)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		used[profile_of(f, sp, e, i)] = 1;
	for (size_t p = 0; p < nprof; p++) {
		const char *name;

		if (!used[p])
			continue;
		name = fold_ngroups(f) ? fold_group_name(f, (uint32_t)p) :
			intern_get(sp->frames, (uint32_t)p, NULL);
		if (!first)
			putc(',', out);
		first = 0;
		write_profile(out, f, sp, e, n, (uint32_t)p, name);
	}
	free(used);
	return 0;
}

/* Orders samples by (profile, time, recording order). */
struct tl_sort {
	const struct fold_sample *s;
	const struct fold_entry *e;
	const size_t *pos; /* entry id -> index in e */
};

static int cmp_tl(const void *a, const void *b, void *arg)
{
	const struct tl_sort *c = arg;
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	const struct fold_sample *sx = &c->s[x], *sy = &c->s[y];
	uint32_t gx = c->e[c->pos[sx->entry]].group;
	uint32_t gy = c->e[c->pos[sy->entry]].group;

	if (gx != gy)
		return gx < gy ? -1 : 1;
	if (sx->time_ns != sy->time_ns)
		return sx->time_ns < sy->time_ns ? -1 : 1;
	return x < y ? -1 : x > y;
}

/* One sample's weight: CPU time in ns when the period is known;
 * microseconds as they are (--off-cpu / --wall). */
static long long tl_weight(const struct fold_info *in, double w)
{
	return llround(in->period_ns > 0 && !in->weight_us ? w * in->period_ns : w);
}

/* A sample's time in the unit of the weights. */
static unsigned long long tl_time(const struct fold_info *in, uint64_t ns)
{
	return in->weight_us ? ns / 1000 : ns;
}

/* One "sampled" profile per thread with its samples in time order, each
 * weighing the CPU time it stands for (unit nanoseconds; microseconds of
 * CPU and off-CPU time with --off-cpu / --wall), so speedscope's
 * time-order view is the thread's timeline. */
static int write_timeline(FILE *out, const struct fold *f,
			  const struct split *sp, const struct fold_entry *e,
			  size_t n)
{
	const struct fold_info *in = fold_info_get(f);
	size_t ns, *idx = NULL, *pos = NULL, nent = fold_count(f);
	const struct fold_sample *s = fold_samples(f, &ns);
	const char *unit = in->weight_us ? "microseconds"
			 : in->period_ns > 0 ? "nanoseconds" : "none";

	idx = malloc(ns * sizeof *idx);
	pos = malloc((nent ? nent : 1) * sizeof *pos);
	if (!idx || !pos) {
		free(idx);
		free(pos);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++)
		pos[e[i].id] = i;
	for (size_t i = 0; i < ns; i++)
		idx[i] = i;
	struct tl_sort ctx = { s, e, pos };

	qsort_r(idx, ns, sizeof *idx, cmp_tl, &ctx);
	for (size_t a = 0, b; a < ns; a = b) {
		uint32_t g = e[pos[s[idx[a]].entry]].group;
		const char *name = fold_group_name(f, g);
		long long sum = 0;

		for (b = a; b < ns && e[pos[s[idx[b]].entry]].group == g; b++)
			sum += tl_weight(in, s[idx[b]].weight);
		fputs(a ? ",{\"type\":\"sampled\",\"name\":"
			: "{\"type\":\"sampled\",\"name\":", out);
		speedscope_json_string(out, name, strlen(name));
		fprintf(out, ",\"unit\":\"%s\",\"startValue\":%llu,"
			     "\"endValue\":%llu,\"samples\":[", unit,
			tl_time(in, s[idx[a]].time_ns),
			tl_time(in, s[idx[a]].time_ns) + (unsigned long long)sum);
		for (size_t j = a; j < b; j++) {
			size_t i = pos[s[idx[j]].entry];

			fputs(j > a ? ",[" : "[", out);
			for (size_t k = sp->offs[i]; k < sp->offs[i + 1]; k++)
				fprintf(out, k > sp->offs[i] ? ",%u" : "%u",
					sp->ids[k]);
			putc(']', out);
		}
		fputs("],\"weights\":[", out);
		for (size_t j = a; j < b; j++)
			fprintf(out, j > a ? ",%lld" : "%lld",
				tl_weight(in, s[idx[j]].weight));
		fputs("]}", out);
	}
	free(idx);
	free(pos);
	return 0;
}

int speedscope_write(const struct fold *f, const char *name, FILE *out)
{
	size_t n, nframes;
	int err;
	struct fold_entry *e = fold_sorted(f, &n, &err);
	struct split sp = { 0 };

	if (err)
		return err;
	err = split_all(e, n, &sp);
	if (err)
		goto out;
	fputs("{\"$schema\":\"https://www.speedscope.app/file-format-schema.json\","
	      "\"shared\":{\"frames\":[", out);
	nframes = intern_count(sp.frames);
	for (size_t i = 0; i < nframes; i++) {
		size_t len;
		const char *s = intern_get(sp.frames, (uint32_t)i, &len);

		fputs(i ? ",{\"name\":" : "{\"name\":", out);
		speedscope_json_string(out, s, len);
		putc('}', out);
	}
	fputs("]},\"profiles\":[", out);
	{
		size_t ns;

		fold_samples(f, &ns);
		err = ns ? write_timeline(out, f, &sp, e, n)
			 : write_profiles(out, f, &sp, e, n);
	}
	if (err)
		goto out;
	fputs("],\"name\":", out);
	speedscope_json_string(out, name, strlen(name));
	fputs(",\"activeProfileIndex\":0,\"exporter\":\"flamer@" FLAMER_VERSION
	      "\"}\n", out);
	if (ferror(out))
		err = errno ? -errno : -EIO;
out:
	intern_free(sp.frames);
	free(sp.ids);
	free(sp.offs);
	free(e);
	return err;
}
