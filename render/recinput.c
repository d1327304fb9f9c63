/* recinput.c - a flamer recording given where collapsed stacks are
 * expected (`flamer svg flamer.data`, `flamer diff a.data b.data`): folded
 * here exactly as `flamer collapse` folds it, with its metadata kept for
 * the SVG's <desc> and subtitle. */
#include "input.h"
#include "../collapse/fold.h"
#include "../collapse/recfold.h"
#include "../recording/recreader.h"
#include "../common/error.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static ssize_t read_some(int fd, char *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = read(fd, buf + got, len - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

/* The whole of fd after the n bytes in pre, in a new buffer (free it). */
static int slurp(int fd, const char *pre, size_t n, char **out, size_t *len)
{
	size_t cap = 1u << 20, used = n;
	char *buf = malloc(cap);

	if (!buf)
		return -ENOMEM;
	memcpy(buf, pre, n);
	for (;;) {
		ssize_t got;

		if (used == cap) {
			char *nb = cap >= (1ull << 34) ? NULL : realloc(buf, cap * 2);

			if (!nb) {
				free(buf);
				return -ENOMEM;
			}
			buf = nb;
			cap *= 2;
		}
		got = read_some(fd, buf + used, cap - used);
		if (got < 0) {
			free(buf);
			return (int)got;
		}
		if (got == 0)
			break;
		used += (size_t)got;
	}
	*out = buf;
	*len = used;
	return 0;
}

static void copy_str(char *dst, size_t size, const struct rec_str *s)
{
	size_t n = s->len < size - 1 ? s->len : size - 1;

	memcpy(dst, s->s, n);
	dst[n] = '\0';
}

static uint64_t str_u64(const struct rec_str *s)
{
	char buf[32];

	copy_str(buf, sizeof buf, s);
	return strtoull(buf, NULL, 10);
}

static int eq(const struct rec_str *s, const char *lit)
{
	return s->len == strlen(lit) && !memcmp(s->s, lit, s->len);
}

static int meta_hook(const struct rec_record *rec, void *arg)
{
	struct input_meta *m = arg;

	if (rec->type == REC_META) {
		const struct rec_str *k = &rec->u.meta.key, *v = &rec->u.meta.value;

		if (eq(k, "command"))
			copy_str(m->command, sizeof m->command, v);
		else if (eq(k, "flamer-version"))
			copy_str(m->version, sizeof m->version, v);
		else if (eq(k, "hostname"))
			copy_str(m->host, sizeof m->host, v);
		else if (eq(k, "pid"))
			m->pid = (uint32_t)str_u64(v);
		else if (eq(k, "frequency"))
			m->freq = str_u64(v);
		else if (eq(k, "start-time"))
			m->start_time = str_u64(v);
	} else if (rec->type == REC_COUNT && eq(&rec->u.count.name, "duration-ns")) {
		m->duration_ns = rec->u.count.value;
	} else if (rec->type == REC_SAMPLE) {
		/* recordings without duration-ns: up to the last sample */
		if (rec->u.sample.time_ns > m->duration_ns)
			m->duration_ns = rec->u.sample.time_ns;
	}
	return 0;
}

static int feed(const struct fold *f, input_fn fn, void *arg,
		struct input_stats *st)
{
	size_t n;
	int err = 0;
	struct fold_entry *e = fold_sorted(f, &n, &err);

	for (size_t i = 0; !err && i < n; i++) {
		struct folded_line fl = { 0 };

		fl.stack = e[i].stack;
		fl.stack_len = e[i].len;
		fl.count = e[i].weight;
		st->lines++;
		err = fn(&fl, arg);
	}
	free(e);
	return err;
}

static int read_recording(int fd, const char *name, const char *pre,
			  size_t n, input_fn fn, void *arg,
			  struct input_stats *st, struct input_meta *m)
{
	struct recfold_opts o = { .hook = meta_hook, .hook_arg = m };
	struct recfold_stats rs = { 0 };
	struct recreader *r = NULL;
	struct fold *f = fold_new();
	char *mem = NULL;
	size_t len = 0;
	int err, rerr;

	if (!f)
		return -ENOMEM;
	if (fd == STDIN_FILENO) {
		err = slurp(fd, pre, n, &mem, &len);
		if (!err)
			r = recreader_open_mem(mem, len, &err);
	} else {
		r = recreader_open(name, &err);
	}
	if (!r)
		goto out;
	rerr = recfold_run(r, f, &o, &rs);
	m->samples = rs.samples;
	m->lost = rs.lost;
	m->complete = rs.complete;
	err = rerr == -FE_TRUNCATED || rerr == -FE_CORRUPT ||
	      rerr == -FE_DECOMPRESS ? 0 : rerr;
	if (!err)
		err = feed(f, fn, arg, st);
	if (!err && rerr && st->lines)
		err = -FE_TRUNCATED; /* what was before the damage is drawn */
	else if (!err)
		err = rerr;
out:
	recreader_free(r);
	fold_free(f);
	free(mem);
	return err;
}

int input_read_any(int fd, const char *name, input_fn fn, void *arg,
		   struct input_stats *st, struct input_meta *meta)
{
	struct input_meta scratch;
	char pre[REC_MAGIC_LEN];
	ssize_t n;

	if (!meta)
		meta = &scratch;
	memset(meta, 0, sizeof *meta);
	memset(st, 0, sizeof *st);
	n = read_some(fd, pre, sizeof pre);
	if (n < 0)
		return (int)n;
	if ((size_t)n == REC_MAGIC_LEN && !memcmp(pre, REC_MAGIC, REC_MAGIC_LEN)) {
		meta->is_recording = 1;
		return read_recording(fd, name, pre, (size_t)n, fn, arg, st, meta);
	}
	return input_read_pre((size_t)n < sizeof pre ? -1 : fd, pre, (size_t)n,
			      fn, arg, st);
}
