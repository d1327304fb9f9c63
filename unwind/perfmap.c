/* perfmap.c - JIT symbols from /tmp/perf-PID.map (see perfmap.h).
 *
 * Lines are parsed into "pending" entries, each numbered in file order
 * (seq).  Before a lookup the pending entries are painted over the table
 * of disjoint ranges: a sweep over every range boundary keeps a max-heap
 * (by seq) of the entries covering the current point, so each elementary
 * interval goes to the latest entry covering it.  Names live in an arena
 * of blocks that never move, so borrowed names survive refreshes.
 */
#include "perfmap.h"

#include "../common/error.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define ARENA_BLOCK (64u << 10)
#define MAX_NAME_BYTES (256ull << 20)
#define MAX_FILE_BYTES (1ull << 30)
#define READ_CHUNK (64u << 10)

struct pm_range {
	uint64_t start, end; /* [start, end) */
	uint64_t seq;        /* position in the file: later wins */
	const char *name;
	enum frame_kind kind;
};

struct pm_block {
	struct pm_block *next;
	size_t used, cap;
	char data[];
};

struct perfmap {
	int fd; /* -1: built from memory */
	struct pm_range *ranges; /* sorted, disjoint */
	size_t n;
	struct pm_range *pending; /* parsed, not yet painted */
	size_t npending, cappending;
	uint64_t seq, entries, name_bytes, file_bytes;
	size_t bad;
	bool full;
	struct pm_block *blocks;
	char line[PERFMAP_MAX_LINE]; /* partial line carried over */
	size_t linelen;
	bool skipping; /* inside an over-long line */
};

static const char *arena_put(struct perfmap *m, const char *s, size_t len)
{
	struct pm_block *b = m->blocks;
	char *p;

	if (!b || b->cap - b->used < len + 1) {
		size_t cap = len + 1 > ARENA_BLOCK ? len + 1 : ARENA_BLOCK;

		b = malloc(sizeof *b + cap);
		if (!b)
			return NULL;
		b->next = m->blocks;
		b->used = 0;
		b->cap = cap;
		m->blocks = b;
	}
	p = b->data + b->used;
	memcpy(p, s, len);
	p[len] = '\0';
	b->used += len + 1;
	m->name_bytes += len + 1;
	return p;
}

/* ---- names ---------------------------------------------------------- */

/* Length of the Erlang atom at s (bare or 'quoted'), 0 if none. */
static size_t atom_len(const char *s, size_t len)
{
	size_t i = 0;

	if (len && s[0] == '\'') {
		for (i = 1; i < len; i++) {
			if (s[i] == '\\' && i + 1 < len)
				i++;
			else if (s[i] == '\'')
				return i + 1;
		}
		return 0;
	}
	while (i < len && s[i] != ':' && s[i] != '/' && s[i] != '\'')
		i++;
	return i;
}

/* Copies the atom's text without quotes and escapes; returns bytes
 * written (out is not NUL-terminated). */
static size_t atom_text(const char *s, size_t len, char *out, size_t outlen)
{
	size_t o = 0;

	if (len >= 2 && s[0] == '\'') {
		s++;
		len -= 2;
	}
	for (size_t i = 0; i < len && o < outlen; i++) {
		if (s[i] == '\\' && i + 1 < len)
			i++;
		out[o++] = s[i];
	}
	return o;
}

struct mfa {
	const char *mod, *fun, *arity;
	size_t modlen, funlen, aritylen;
};

/* Splits "MOD:FUN/ARITY[-CodeInfoPrologue]"; false if s is not one. */
static bool split_mfa(const char *s, size_t len, struct mfa *f)
{
	static const char prologue[] = "-CodeInfoPrologue";
	size_t plen = sizeof prologue - 1, i;

	if (len > plen && !memcmp(s + len - plen, prologue, plen))
		len -= plen;
	f->mod = s;
	f->modlen = atom_len(s, len);
	if (!f->modlen || f->modlen + 1 >= len || s[f->modlen] != ':' ||
	    s[f->modlen + 1] == ':')
		return false;
	f->fun = s + f->modlen + 1;
	i = f->modlen + 1;
	f->funlen = atom_len(f->fun, len - i);
	i += f->funlen;
	if (!f->funlen || i + 1 >= len || s[i] != '/')
		return false;
	f->arity = s + i + 1;
	f->aritylen = len - i - 1;
	for (size_t k = 0; k < f->aritylen; k++)
		if (f->arity[k] < '0' || f->arity[k] > '9')
			return false;
	return true;
}

static void put(char *out, size_t outlen, size_t *o, const char *s,
		size_t len)
{
	size_t room = outlen - 1 - *o;

	if (len > room)
		len = room;
	memcpy(out + *o, s, len);
	*o += len;
}

/* An anonymous function's name as the Erlang compiler makes it,
 * "-OUTER/N-fun-COUNT-", read as Elixir reads it
 * (Code.Identifier.extract_anonymous_fun_parent): after the last '/'
 * exactly three '-', the last one at the end.  Sets the outer function
 * fun[1..*outer_len) and its arity [*ar, *ar + *ar_len). */
static bool anon_parent(const char *fun, size_t fl, size_t *outer_len,
			const char **ar, size_t *ar_len)
{
	const char *slash, *t, *dash;
	size_t tl, dashes = 0;

	if (fl < 2 || fun[0] != '-')
		return false;
	slash = memrchr(fun + 1, '/', fl - 1);
	if (!slash)
		return false;
	t = slash + 1;
	tl = (size_t)(fun + fl - t);
	if (!tl || t[tl - 1] != '-')
		return false;
	for (size_t i = 0; i < tl; i++)
		dashes += t[i] == '-';
	if (dashes != 3)
		return false;
	dash = memchr(t, '-', tl);
	*outer_len = (size_t)(slash - fun);
	*ar = t;
	*ar_len = (size_t)(dash - t);
	return true;
}

/* Elixir: 'Elixir.A.B':fun/2 -> A.B.fun/2 (quotes of fun dropped);
 * 'Elixir.A':'-sums/1-fun-0-'/2 -> "anonymous fn/2 in A.sums/1", as
 * Elixir's Exception.format_mfa writes it. */
static bool elixir_name(const struct mfa *f, char *out, size_t outlen)
{
	char mod[PERFMAP_MAX_LINE], fun[PERFMAP_MAX_LINE];
	size_t ml = atom_text(f->mod, f->modlen, mod, sizeof mod);
	size_t fl = atom_text(f->fun, f->funlen, fun, sizeof fun), o = 0;
	size_t outer_len, ar_len;
	const char *ar;

	if (ml <= 7 || memcmp(mod, "Elixir.", 7))
		return false;
	if (anon_parent(fun, fl, &outer_len, &ar, &ar_len)) {
		put(out, outlen, &o, "anonymous fn/", 13);
		put(out, outlen, &o, f->arity, f->aritylen);
		put(out, outlen, &o, " in ", 4);
		put(out, outlen, &o, mod + 7, ml - 7);
		put(out, outlen, &o, ".", 1);
		put(out, outlen, &o, fun + 1, outer_len - 1);
		put(out, outlen, &o, "/", 1);
		put(out, outlen, &o, ar, ar_len);
		out[o] = '\0';
		return true;
	}
	put(out, outlen, &o, mod + 7, ml - 7);
	put(out, outlen, &o, ".", 1);
	put(out, outlen, &o, fun, fl);
	put(out, outlen, &o, "/", 1);
	put(out, outlen, &o, f->arity, f->aritylen);
	out[o] = '\0';
	return true;
}

static void copy_name(char *out, size_t outlen, const char *s, size_t len)
{
	size_t o = 0;

	put(out, outlen, &o, s, len);
	out[o] = '\0';
}

enum frame_kind perfmap_display_name(const char *name, size_t len, char *out,
				     size_t outlen)
{
	struct mfa f;

	if (!outlen)
		return FK_JIT;
	if (!len || name[0] != '$') {
		copy_name(out, outlen, name, len);
		return FK_JIT;
	}
	name++;
	len--;
	if (len > 8 && !memcmp(name, "global::", 8)) {
		copy_name(out, outlen, name + 8, len - 8);
		return FK_JIT;
	}
	if (!split_mfa(name, len, &f)) {
		copy_name(out, outlen, name, len);
		return FK_JIT;
	}
	if (!elixir_name(&f, out, outlen))
		copy_name(out, outlen, name,
			  (size_t)(f.arity + f.aritylen - name));
	return FK_ERLANG;
}

/* ---- lines ---------------------------------------------------------- */

static bool parse_hex(const char **p, const char *end, uint64_t *out)
{
	const char *s = *p;
	uint64_t v = 0;
	int digits = 0;

	if (end - s >= 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X'))
		s += 2;
	for (; s < end; s++, digits++) {
		int d;

		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (*s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else if (*s >= 'A' && *s <= 'F')
			d = *s - 'A' + 10;
		else
			break;
		if (digits == 16)
			return false;
		v = v << 4 | (uint64_t)d;
	}
	if (!digits)
		return false;
	*p = s;
	*out = v;
	return true;
}

static bool skip_blanks(const char **p, const char *end)
{
	const char *s = *p;

	while (s < end && (*s == ' ' || *s == '\t'))
		s++;
	if (s == *p)
		return false;
	*p = s;
	return true;
}

static int add_pending(struct perfmap *m, const struct pm_range *r)
{
	if (m->npending == m->cappending) {
		size_t cap = m->cappending ? m->cappending * 2 : 1024;
		struct pm_range *p = realloc(m->pending, cap * sizeof *p);

		if (!p)
			return -ENOMEM;
		m->pending = p;
		m->cappending = cap;
	}
	m->pending[m->npending++] = *r;
	return 0;
}

/* One line without its newline.  Returns 0 (also for a bad line, which is
 * counted), -ENOMEM or -FE_TOO_BIG. */
static int parse_line(struct perfmap *m, const char *s, size_t len)
{
	const char *p = s, *end = s + len;
	char shown[PERFMAP_MAX_LINE];
	struct pm_range r;
	uint64_t size;

	if (len && end[-1] == '\r')
		end--;
	if (p == end)
		return 0; /* empty line: ignored */
	if (!parse_hex(&p, end, &r.start) || !skip_blanks(&p, end) ||
	    !parse_hex(&p, end, &size) || !skip_blanks(&p, end) || p == end ||
	    r.start + size < r.start)
		goto bad;
	for (const char *c = p; c < end; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			goto bad;
	if (!size)
		return 0;
	if (m->entries >= PERFMAP_MAX_ENTRIES ||
	    m->name_bytes + (uint64_t)(end - p) + 1 > MAX_NAME_BYTES) {
		m->full = true;
		return -FE_TOO_BIG;
	}
	r.end = r.start + size;
	r.seq = m->seq++;
	r.kind = perfmap_display_name(p, (size_t)(end - p), shown, sizeof shown);
	r.name = arena_put(m, shown, strlen(shown));
	if (!r.name)
		return -ENOMEM;
	m->entries++;
	return add_pending(m, &r);
bad:
	m->bad++;
	return 0;
}

/* Feeds bytes; complete lines are parsed, the rest kept in m->line. */
static int feed(struct perfmap *m, const char *buf, size_t len)
{
	int err = 0;

	while (len && !err) {
		const char *nl = memchr(buf, '\n', len);
		size_t seg = nl ? (size_t)(nl - buf) : len;

		if (!m->skipping && m->linelen + seg > sizeof m->line - 1)
			m->skipping = true;
		if (!m->skipping) {
			memcpy(m->line + m->linelen, buf, seg);
			m->linelen += seg;
		}
		if (nl) {
			if (m->skipping)
				m->bad++;
			else
				err = parse_line(m, m->line, m->linelen);
			m->skipping = false;
			m->linelen = 0;
			seg++;
		}
		buf += seg;
		len -= seg;
	}
	return err;
}

/* ---- the table ------------------------------------------------------ */

static int cmp_start(const void *a, const void *b)
{
	const struct pm_range *x = a, *y = b;

	return x->start < y->start ? -1 : x->start > y->start;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* Drops repeated values from the sorted b; returns the new count. */
static size_t unique(uint64_t *b, size_t n)
{
	size_t u = 0;

	for (size_t i = 0; i < n; i++)
		if (!u || b[u - 1] != b[i])
			b[u++] = b[i];
	return u;
}

static void heap_push(size_t *h, size_t *n, const struct pm_range *r,
		      size_t v)
{
	size_t i = (*n)++;

	while (i && r[h[(i - 1) / 2]].seq < r[v].seq) {
		h[i] = h[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	h[i] = v;
}

static void heap_pop(size_t *h, size_t *n, const struct pm_range *r)
{
	size_t v = h[--(*n)], i = 0;

	for (;;) {
		size_t c = 2 * i + 1;

		if (c >= *n)
			break;
		if (c + 1 < *n && r[h[c + 1]].seq > r[h[c]].seq)
			c++;
		if (r[h[c]].seq <= r[v].seq)
			break;
		h[i] = h[c];
		i = c;
	}
	if (*n)
		h[i] = v;
}

/* Paints all[0..n) (sorted by start) into disjoint ranges in out;
 * returns their number.  b: 2n boundaries, h: n heap slots. */
static size_t paint(const struct pm_range *all, size_t n, uint64_t *b,
		    size_t *h, struct pm_range *out)
{
	size_t nb = 0, nh = 0, j = 0, no = 0;

	for (size_t i = 0; i < n; i++) {
		b[nb++] = all[i].start;
		b[nb++] = all[i].end;
	}
	qsort(b, nb, sizeof *b, cmp_u64);
	nb = unique(b, nb);
	for (size_t k = 0; k < nb; k++) {
		uint64_t x = b[k];

		while (j < n && all[j].start <= x)
			heap_push(h, &nh, all, j++);
		while (nh && all[h[0]].end <= x)
			heap_pop(h, &nh, all);
		if (!nh || k + 1 == nb)
			continue;
		const struct pm_range *w = &all[h[0]];
		uint64_t next = b[k + 1];

		if (no && out[no - 1].end == x && out[no - 1].seq == w->seq) {
			out[no - 1].end = next;
		} else {
			out[no] = *w;
			out[no].start = x;
			out[no].end = next;
			no++;
		}
	}
	return no;
}

/* Paints the pending entries over the table. */
static int rebuild(struct perfmap *m)
{
	size_t n = m->n + m->npending;
	struct pm_range *all = malloc(n * sizeof *all);
	struct pm_range *out = malloc(2 * n * sizeof *out);
	uint64_t *b = malloc(2 * n * sizeof *b);
	size_t *h = malloc(n * sizeof *h);
	int err = -ENOMEM;

	if (!all || !out || !b || !h)
		goto out;
	if (m->n)
		memcpy(all, m->ranges, m->n * sizeof *all);
	memcpy(all + m->n, m->pending, m->npending * sizeof *all);
	qsort(all, n, sizeof *all, cmp_start);
	m->n = paint(all, n, b, h, out);
	free(m->ranges);
	m->ranges = out;
	out = NULL;
	m->npending = 0;
	err = 0;
out:
	free(all);
	free(out);
	free(b);
	free(h);
	return err;
}

static struct perfmap *perfmap_new(void)
{
	struct perfmap *m = calloc(1, sizeof *m);

	if (m)
		m->fd = -1;
	return m;
}

int perfmap_parse_mem(const char *buf, size_t len, struct perfmap **out)
{
	struct perfmap *m = perfmap_new();
	int err = -ENOMEM;

	if (!m)
		goto fail;
	err = feed(m, buf, len);
	if (!err && m->skipping)
		m->bad++;
	else if (!err && m->linelen)
		err = parse_line(m, m->line, m->linelen);
	if (!err && m->npending)
		err = rebuild(m);
	if (err)
		goto fail;
	*out = m;
	return 0;
fail:
	perfmap_free(m);
	return err;
}

int perfmap_refresh(struct perfmap *m)
{
	char *buf = NULL;
	int err = 0;

	if (m->fd < 0 || m->full)
		goto out;
	buf = malloc(READ_CHUNK);
	err = -ENOMEM;
	if (!buf)
		goto out;
	err = 0;
	for (;;) {
		ssize_t r = read(m->fd, buf, READ_CHUNK);

		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			err = errno == EAGAIN ? 0 : -errno;
			break;
		}
		if (r == 0)
			break;
		m->file_bytes += (uint64_t)r;
		err = m->file_bytes > MAX_FILE_BYTES ? -FE_TOO_BIG
						     : feed(m, buf, (size_t)r);
		if (err == -FE_TOO_BIG)
			m->full = true;
		if (err)
			break;
	}
out:
	if (m->npending) {
		int e = rebuild(m);

		if (e && (!err || err == -FE_TOO_BIG))
			err = e;
	}
	free(buf);
	return err;
}

/* ---- open ----------------------------------------------------------- */

/* The pid the process knows itself by: the last NSpid entry of its
 * status (its pid in its own pid namespace), or pid when unreadable. */
static pid_t own_pid(pid_t pid)
{
	char path[64], line[256];
	long v = pid;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%d/status", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return pid;
	while (fgets(line, sizeof line, f)) {
		char *p = line + 6, *end;

		if (strncmp(line, "NSpid:", 6))
			continue;
		for (;;) { /* the last of the numbers */
			long n = strtol(p, &end, 10);

			if (end == p)
				break;
			if (n > 0 && n <= 0x7fffffff)
				v = n;
			p = end;
		}
		break;
	}
	fclose(f);
	return (pid_t)v;
}

/* Whether pid sees another /tmp than flamer: another mount namespace or
 * another root directory. */
static bool other_view(pid_t pid)
{
	char path[64], root[8];
	struct stat a, b;
	ssize_t n;

	snprintf(path, sizeof path, "/proc/%d/ns/mnt", (int)pid);
	if (stat(path, &a) == 0 && stat("/proc/self/ns/mnt", &b) == 0 &&
	    (a.st_ino != b.st_ino || a.st_dev != b.st_dev))
		return true;
	snprintf(path, sizeof path, "/proc/%d/root", (int)pid);
	n = readlink(path, root, sizeof root);
	return n > 0 && !(n == 1 && root[0] == '/');
}

void perfmap_path(pid_t pid, char *buf, size_t len)
{
	pid_t own = own_pid(pid);

	/* a JIT in a container writes /tmp/perf-<its own pid>.map in its
	 * own /tmp: reached through its root, as perf does */
	if (own != pid || other_view(pid))
		snprintf(buf, len, "/proc/%d/root/tmp/perf-%d.map", (int)pid,
			 (int)own);
	else
		snprintf(buf, len, "/tmp/perf-%d.map", (int)pid);
}

/* Whether fd is a map to trust: 0, -EPERM (*why says why), -ESTALE when it
 * was last written more than 1 s (slack for the clocks) before started_ns
 * (CLOCK_REALTIME; 0 = unknown), i.e. by an earlier process that had the
 * pid (pids are reused; a JIT rewrites its map from the start). */
static int check_trusted(int fd, uid_t target_uid, uint64_t started_ns,
			 const char **why)
{
	struct stat st;
	uint64_t mtime;

	if (fstat(fd, &st) < 0)
		return -errno;
	if (!S_ISREG(st.st_mode)) {
		*why = "not a regular file";
		return -EPERM;
	}
	if (st.st_uid != target_uid && st.st_uid != 0) {
		*why = "not owned by the target's user or root";
		return -EPERM;
	}
	mtime = (uint64_t)st.st_mtim.tv_sec * 1000000000ull +
		(uint64_t)st.st_mtim.tv_nsec;
	if (started_ns > 1000000000ull && mtime < started_ns - 1000000000ull)
		return -ESTALE;
	return 0;
}

int perfmap_open_why(pid_t pid, uid_t target_uid, uint64_t started_ns,
		     struct perfmap **out, const char **why)
{
	char path[64];
	const char *reason = NULL;
	struct perfmap *m = NULL;
	int fd, err;

	perfmap_path(pid, path, sizeof path);
	fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		err = errno == ELOOP ? -EPERM : -errno;
		reason = "a symbolic link";
		goto fail;
	}
	err = check_trusted(fd, target_uid, started_ns, &reason);
	if (err)
		goto fail;
	err = -ENOMEM;
	m = perfmap_new();
	if (!m)
		goto fail;
	m->fd = fd;
	fd = -1;
	err = perfmap_refresh(m);
	if (err && err != -FE_TOO_BIG)
		goto fail;
	*out = m;
	return 0;
fail:
	if (why && err == -EPERM)
		*why = reason;
	if (fd >= 0)
		close(fd);
	perfmap_free(m);
	return err;
}

int perfmap_open(pid_t pid, uid_t target_uid, struct perfmap **out)
{
	return perfmap_open_why(pid, target_uid, 0, out, NULL);
}

/* ---- lookup --------------------------------------------------------- */

int perfmap_lookup(const struct perfmap *m, uint64_t addr, const char **name,
		   enum frame_kind *kind)
{
	size_t lo = 0, hi = m->n;

	while (lo < hi) { /* first range with start > addr */
		size_t mid = lo + (hi - lo) / 2;

		if (m->ranges[mid].start <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo || addr >= m->ranges[lo - 1].end)
		return -FE_NO_SYMBOL;
	if (name)
		*name = m->ranges[lo - 1].name;
	if (kind)
		*kind = m->ranges[lo - 1].kind;
	return 0;
}

size_t perfmap_bad_lines(const struct perfmap *m)
{
	return m->bad;
}

size_t perfmap_count(const struct perfmap *m)
{
	return m->n;
}

void perfmap_free(struct perfmap *m)
{
	if (!m)
		return;
	while (m->blocks) {
		struct pm_block *b = m->blocks;

		m->blocks = b->next;
		free(b);
	}
	if (m->fd >= 0)
		close(m->fd);
	free(m->ranges);
	free(m->pending);
	free(m);
}
