/* walker.c - the CPython stack walker: thread state lookup, frame chain,
 * code-object names (cached), line numbers.
 *
 * A sample of thread tid costs, when caches are warm: one read of the
 * thread state (plus its _PyCFrame on 3.11-3.12), one read per frame, and
 * one batched read (many iovecs, one syscall) that checks every cached code
 * object is still the one cached.  Everything read is target memory, so
 * every pointer is checked before use and every loop is bounded.
 */
#include "python.h"

#include "detect.h"
#include "pyint.h"

#include "../../common/error.h"
#include "../../common/intern.h"
#include "../../bpf/pystack.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>

enum {
	MAX_INTERPS = 64,
	MAX_THREADS = 4096,
	MAX_FRAMES = 4096,
	MAX_STR = 512,            /* characters of a name kept */
	MAX_LINETABLE = 1 << 16,  /* bytes of a line table */
	CODE_SLOTS = 4096,        /* direct-mapped code cache */
	TID_SLOTS = 256,          /* direct-mapped thread-state cache */
	NEGATIVE_SKIP = 50,       /* see struct tid_entry.skip */
	BATCH = 64,               /* iovecs per process_vm_readv */
	FRAME_OWNED_BY_CSTACK = 3,
	PTHREAD_SCAN = 2048,      /* bytes of struct pthread searched for tid */
	GLIBC_TID_OFFSET = 720,   /* offsetof(struct pthread, tid), glibc 2.36 */
};

struct code_entry {
	uint64_t addr; /* 0 = empty */
	uint64_t filename, name, qualname, linetable;
	uint64_t co_code;     /* 3.8-3.10: the bytecode's bytes object */
	int32_t firstlineno;
	const char *label;    /* "qualname (file)", interned */
	const char *qual;     /* interned */
	const char *file;     /* interned */
	unsigned char *lt;    /* line table bytes, or NULL */
	size_t ltlen;
	int lt_state;         /* 0 not read, 1 read, -1 unreadable */
	uint64_t last_instr;  /* the last instruction named, and its name */
	const char *last_label;
};

struct tid_entry {
	pid_t tid;
	uint64_t tstate;    /* 0: the thread had no thread state */
	uint64_t thread_id; /* pthread_t, to re-check on 3.8-3.10 */
	unsigned skip;      /* lookups left before a thread without one is
			       searched again */
};

struct rawframe {
	uint64_t code, instr;
	uint64_t file, name; /* identity at the sample, or 0: not known */
	int entry;
};

struct pywalker {
	pid_t pid;
	struct pylayout l;
	struct pytarget t;
	char *source;
	struct intern *names;
	struct code_entry *codes;
	struct rawframe *raw; /* MAX_FRAMES frames of the current walk */
	struct tid_entry tids[TID_SLOTS];
	size_t lt_bytes;      /* bytes held by line tables */
	int pthread_tid_off;  /* offset of the tid in struct pthread, -1 */
	size_t pthread_calib_n; /* thread states it was checked against */
	size_t ts_span, fr_span, co_lo, co_hi;
	struct pythread_name *tnames; /* pywalker_thread_names: the read */
	struct pywalker_thread *tlist; /* ... and what it returns */
	/* One page of the thread's frame stack (3.11+), valid during one walk. */
	uint64_t blk_addr;
	size_t blk_len;
	unsigned char blk[8192];
	struct pydwarf_job *job; /* pywalker_check_dwarf_start's, or NULL */
};

/* ---- reading target memory ---- */

static int ptr_ok(uint64_t p)
{
	return p >= 4096 && p < (1ULL << 47) && !(p & 7);
}

static int rd(struct pywalker *w, uint64_t addr, void *buf, size_t len)
{
	struct iovec local = {buf, len};
	struct iovec remote = {(void *)(uintptr_t)addr, len};
	ssize_t got;

	if (addr < 4096 || addr >= (1ULL << 47))
		return -FE_BAD_MEMORY;
	got = process_vm_readv(w->pid, &local, 1, &remote, 1, 0);
	if (got == (ssize_t)len)
		return 0;
	if (got < 0 && errno == ESRCH)
		return -ESRCH;
	if (got < 0 && (errno == EPERM || errno == ENOMEM))
		return -errno;
	return -FE_BAD_MEMORY;
}

static uint64_t get_u64(const unsigned char *buf, int32_t off)
{
	uint64_t v;

	memcpy(&v, buf + off, sizeof v);
	return v;
}

static int32_t get_i32(const unsigned char *buf, int32_t off)
{
	int32_t v;

	memcpy(&v, buf + off, sizeof v);
	return v;
}

static int rd_ptr(struct pywalker *w, uint64_t addr, uint64_t *out)
{
	unsigned char b[8];
	int err = rd(w, addr, b, sizeof b);

	if (!err)
		*out = get_u64(b, 0);
	return err;
}

/* ---- strings ---- */

/* Reads the str object at addr into out (UTF-8, NUL-terminated, at most
 * MAX_STR characters: longer strings are cut).  Only compact strings (all
 * names and file names of code objects are) are accepted. */
static int read_str(struct pywalker *w, uint64_t addr, char *out,
		    size_t outsize)
{
	const struct pylayout *l = &w->l;
	unsigned char hdr[128], data[MAX_STR * 4];
	struct pystr st;
	int err;

	if (!ptr_ok(addr) || (size_t)l->str_compact_size > sizeof hdr)
		return -FE_BAD_MEMORY;
	err = rd(w, addr, hdr, (size_t)l->str_compact_size);
	if (!err)
		err = py_str_header(l, hdr, MAX_STR, &st);
	if (!err && st.n)
		err = rd(w, addr + st.data, data, st.n * (size_t)st.kind);
	return err ? err : py_str_utf8(&st, data, out, outsize);
}

/* ---- code objects ---- */

static size_t code_slot(uint64_t addr)
{
	return (size_t)((addr >> 4) ^ (addr >> 17)) & (CODE_SLOTS - 1);
}

static void code_clear(struct pywalker *w, struct code_entry *e)
{
	w->lt_bytes -= e->ltlen;
	free(e->lt);
	memset(e, 0, sizeof *e);
}

/* The identity fields of a code object, from its bytes [co_lo, co_hi). */
static void code_ident(const struct pywalker *w, const unsigned char *b,
		       struct code_entry *e)
{
	const struct pylayout *l = &w->l;
	size_t lo = w->co_lo;

	e->filename = get_u64(b, (int32_t)(l->co_filename - lo));
	e->name = get_u64(b, (int32_t)(l->co_name - lo));
	e->qualname = l->co_qualname >= 0 ?
			      get_u64(b, (int32_t)(l->co_qualname - lo)) : 0;
	e->linetable = get_u64(b, (int32_t)(l->co_linetable - lo));
	e->co_code = l->co_code >= 0 ?
			     get_u64(b, (int32_t)(l->co_code - lo)) : 0;
	e->firstlineno = get_i32(b, (int32_t)(l->co_firstlineno - lo));
}

static int same_ident(const struct code_entry *a, const struct code_entry *b)
{
	return a->filename == b->filename && a->name == b->name &&
	       a->qualname == b->qualname && a->firstlineno == b->firstlineno;
}

static const char *intern_str(struct pywalker *w, const char *s)
{
	int64_t id = intern_add(w->names, s, strlen(s), NULL);

	return id < 0 ? NULL : intern_get(w->names, (uint32_t)id, NULL);
}

/* Fills e (identity already set) with its names. */
static int code_resolve(struct pywalker *w, struct code_entry *e)
{
	char qual[MAX_STR * 4 + 8], file[MAX_STR * 4 + 8];
	char label[sizeof qual + sizeof file + 8];
	int err;

	err = read_str(w, e->qualname ? e->qualname : e->name, qual,
		       sizeof qual);
	if (!err)
		err = read_str(w, e->filename, file, sizeof file);
	if (err)
		return err;
	snprintf(label, sizeof label, "%s (%s)", qual, file);
	e->qual = intern_str(w, qual);
	e->file = intern_str(w, file);
	e->label = intern_str(w, label);
	return e->qual && e->file && e->label ? 0 : -ENOMEM;
}

/* Reads the identity bytes of the n code objects at addrs[] in batches of
 * BATCH iovecs per syscall; ok[i] = 1 when code i was read. */
static int read_idents(struct pywalker *w, const uint64_t *addrs, size_t n,
		       unsigned char (*bufs)[256], int *ok)
{
	size_t span = w->co_hi - w->co_lo;

	for (size_t i = 0; i < n; i += BATCH) {
		struct iovec loc[BATCH], rem[BATCH];
		size_t k = n - i < BATCH ? n - i : BATCH, m = 0;
		ssize_t got;

		for (size_t j = 0; j < k; j++) {
			ok[i + j] = 0;
			if (!ptr_ok(addrs[i + j]))
				continue;
			loc[m] = (struct iovec){bufs[i + j], span};
			rem[m] = (struct iovec){
				(void *)(uintptr_t)(addrs[i + j] + w->co_lo), span};
			m++;
		}
		got = m ? process_vm_readv(w->pid, loc, m, rem, m, 0) : 0;
		if (got < 0 && errno == ESRCH)
			return -ESRCH;
		/* Whole iovecs were read up to the first failing one. */
		for (size_t j = 0, r = 0; j < k; j++) {
			if (!ptr_ok(addrs[i + j]))
				continue;
			ok[i + j] = got > 0 && (size_t)got >= (r + 1) * span;
			r++;
		}
	}
	return 0;
}

/* The cache entry for the code object at addr, whose identity bytes are b.
 * NULL when its names cannot be read. */
static struct code_entry *code_lookup(struct pywalker *w, uint64_t addr,
				      const unsigned char *b, int *err)
{
	struct code_entry *e = &w->codes[code_slot(addr)], now = {0};

	code_ident(w, b, &now);
	if (e->addr == addr && same_ident(e, &now))
		return e;
	if (e->addr)
		code_clear(w, e);
	now.addr = addr;
	*err = code_resolve(w, &now);
	if (*err)
		return NULL;
	*e = now;
	return e;
}

/* ---- line numbers ---- */

static void linetable_load(struct pywalker *w, struct code_entry *e)
{
	unsigned char hdr[32];
	int64_t size;

	e->lt_state = -1;
	if (!ptr_ok(e->linetable) || rd(w, e->linetable, hdr, sizeof hdr))
		return;
	memcpy(&size, hdr + 16, sizeof size); /* PyBytesObject.ob_size */
	if (size <= 0 || size > MAX_LINETABLE)
		return;
	if (w->lt_bytes > (16u << 20)) /* bound memory: drop every table */
		for (size_t i = 0; i < CODE_SLOTS; i++) {
			struct code_entry *c = &w->codes[i];
			w->lt_bytes -= c->ltlen;
			free(c->lt);
			c->lt = NULL;
			c->ltlen = 0;
			c->lt_state = 0;
			c->last_label = NULL;
		}
	e->lt = malloc((size_t)size);
	if (!e->lt)
		return;
	if (rd(w, e->linetable + 32, e->lt, (size_t)size)) { /* ob_sval */
		free(e->lt);
		e->lt = NULL;
		return;
	}
	e->ltlen = (size_t)size;
	w->lt_bytes += e->ltlen;
	e->lt_state = 1;
}

/* Byte offset of the current instruction in the code, from the frame's
 * instruction field. */
static long instr_offset(const struct pywalker *w, uint64_t code,
			 uint64_t instr)
{
	int minor = w->l.minor;

	if (minor <= 9)
		return (int32_t)instr; /* f_lasti, bytes */
	if (minor == 10)
		return (long)(int32_t)instr * 2; /* f_lasti, code units */
	uint64_t base = code + (uint64_t)w->l.co_code_adaptive;
	if (instr < base || instr - base > (1u << 26))
		return -1;
	return (long)(instr - base);
}

/* A frame caught before its first instruction (read at the sample, a
 * call just made): f_lasti -1 before 3.11, prev_instr one code unit before
 * the code in 3.11-3.12.  CPython gives it co_firstlineno (the def line). */
static int not_started(const struct pywalker *w, uint64_t code,
		       uint64_t instr)
{
	if (w->l.minor <= 10)
		return (int32_t)instr == -1;
	return w->l.minor <= 12 &&
	       instr + 2 == code + (uint64_t)w->l.co_code_adaptive;
}

static const char *line_label(struct pywalker *w, struct code_entry *e,
			      uint64_t code, uint64_t instr)
{
	char buf[MAX_STR * 8 + 64];
	int line;

	if (e->last_label && e->last_instr == instr)
		return e->last_label;
	if (e->lt_state == 0)
		linetable_load(w, e);
	line = not_started(w, code, instr) ? e->firstlineno :
		py_line_of(w->l.minor, e->lt, e->ltlen, e->firstlineno,
			   instr_offset(w, code, instr));
	/* no line: the table has none for the instruction, or was freed with
	 * its code object before it could be read (frames read at the sample
	 * by BPF are named later) */
	if (line < 0)
		snprintf(buf, sizeof buf, "%s (%s:?)", e->qual, e->file);
	else
		snprintf(buf, sizeof buf, "%s (%s:%d)", e->qual, e->file, line);
	e->last_instr = instr;
	e->last_label = intern_str(w, buf);
	return e->last_label;
}

/* ---- threads ---- */

static int tstate_tid_direct(const struct pywalker *w,
			     const unsigned char *ts, pid_t *tid)
{
	int64_t v = (int64_t)get_u64(ts, w->l.ts_native_thread_id);

	*tid = v > 0 && v < (1 << 30) ? (pid_t)v : -1;
	return 0;
}

static int is_task(pid_t pid, pid_t tid)
{
	char path[64];
	FILE *f;

	snprintf(path, sizeof path, "/proc/%d/task/%d/stat", (int)pid, (int)tid);
	f = fopen(path, "re");
	if (f)
		fclose(f);
	return f != NULL;
}

/* 3.8-3.10 keep only the pthread_t (the address of glibc's struct
 * pthread).  The offset of the kernel tid in struct pthread is found once:
 * the offset where the main thread's struct holds the pid, checked against
 * the other threads' structs holding live tids (glibc 2.36: 720). */
static int calibrate_pthread(struct pywalker *w, const uint64_t *pts, size_t n)
{
	unsigned char (*buf)[PTHREAD_SCAN] = calloc(n, PTHREAD_SCAN);
	int found = -1;

	if (!buf)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++)
		if (rd(w, pts[i], buf[i], PTHREAD_SCAN))
			memset(buf[i], 0, PTHREAD_SCAN);
	for (int off = 0; off < PTHREAD_SCAN && found < 0; off += 4) {
		int main_seen = 0, ok = 1;
		for (size_t i = 0; i < n && ok; i++) {
			pid_t v = get_i32(buf[i], off);
			main_seen |= v == w->pid;
			ok = v > 0 && (v == w->pid || is_task(w->pid, v));
			/* one tid per thread: a field that holds the main
			 * thread's tid in every struct (seen under load) would
			 * give every thread the main thread's stack */
			for (size_t j = 0; j < i && ok; j++)
				ok = get_i32(buf[j], off) != v;
		}
		if (main_seen && ok)
			found = off;
	}
	free(buf);
	w->pthread_tid_off = found;
	w->pthread_calib_n = n;
	return found >= 0 ? 0 : -FE_BAD_MEMORY;
}

static pid_t pthread_tid(struct pywalker *w, uint64_t pthread)
{
	int32_t v;

	if (w->pthread_tid_off < 0 || !ptr_ok(pthread) ||
	    rd(w, pthread + (uint64_t)w->pthread_tid_off, &v, sizeof v))
		return -1;
	return v;
}

/* Calls fn on every thread state (at most MAX_THREADS), stopping when it
 * returns non-zero; returns that value, 0, or a read error. */
static int for_each_tstate(struct pywalker *w,
			   int (*fn)(struct pywalker *, uint64_t,
				     const unsigned char *, void *),
			   void *arg)
{
	unsigned char ts[512];
	uint64_t interp, tstate;
	int err, count = 0;

	err = rd_ptr(w, w->t.runtime + (uint64_t)w->l.rt_interp_head, &interp);
	for (int i = 0; !err && interp && i < MAX_INTERPS; i++) {
		if (!ptr_ok(interp))
			return -FE_BAD_MEMORY;
		err = rd_ptr(w, interp + (uint64_t)w->l.is_threads_head, &tstate);
		while (!err && tstate && count++ < MAX_THREADS) {
			if (!ptr_ok(tstate))
				return -FE_BAD_MEMORY;
			err = rd(w, tstate, ts, w->ts_span);
			if (!err)
				err = fn(w, tstate, ts, arg);
			if (err)
				return err;
			tstate = get_u64(ts, w->l.ts_next);
		}
		if (!err)
			err = rd_ptr(w, interp + (uint64_t)w->l.is_next, &interp);
	}
	return err;
}

struct collect {
	uint64_t pts[64];
	size_t n;
};

static int collect_pthread(struct pywalker *w, uint64_t tstate,
			   const unsigned char *ts, void *arg)
{
	struct collect *c = arg;

	if (c->n < 64)
		c->pts[c->n++] = get_u64(ts, w->l.ts_thread_id);
	return 0;
}

struct match {
	pid_t tid;
	uint64_t tstate, thread_id;
};

static int match_tid(struct pywalker *w, uint64_t tstate,
		     const unsigned char *ts, void *arg)
{
	struct match *m = arg;
	pid_t tid;

	if (w->l.ts_native_thread_id >= 0)
		tstate_tid_direct(w, ts, &tid);
	else
		tid = pthread_tid(w, get_u64(ts, w->l.ts_thread_id));
	if (tid != m->tid)
		return 0;
	m->tstate = tstate;
	m->thread_id = get_u64(ts, w->l.ts_thread_id);
	return 1;
}

/* Is the thread state read into ts (cached as e) still thread e->tid's? */
static int cached_still_valid(struct pywalker *w, const struct tid_entry *e,
			      const unsigned char *ts)
{
	pid_t tid;

	if (w->l.ts_native_thread_id >= 0) {
		tstate_tid_direct(w, ts, &tid);
		return tid == e->tid;
	}
	return get_u64(ts, w->l.ts_thread_id) == e->thread_id;
}

/* Finds the thread state of tid and reads it into ts.  Returns 1 when
 * found, 0 when the thread has none, or an error. */
static int find_tstate(struct pywalker *w, pid_t tid, unsigned char *ts)
{
	struct tid_entry *e = &w->tids[(unsigned)tid % TID_SLOTS];
	struct match m = {.tid = tid};
	int err;

	if (e->tid == tid && !e->tstate && e->skip) {
		e->skip--;
		return 0;
	}
	if (e->tid == tid && e->tstate && !rd(w, e->tstate, ts, w->ts_span) &&
	    cached_still_valid(w, e, ts))
		return 1;
	/* calibrated on one thread alone, nothing told the tid apart from
	 * another field holding the pid: again once there are more */
	if (w->l.ts_native_thread_id < 0 &&
	    (w->pthread_tid_off < 0 || w->pthread_calib_n < 2)) {
		struct collect c = {.n = 0};
		err = for_each_tstate(w, collect_pthread, &c);
		if (err < 0)
			return err;
		if (c.n && calibrate_pthread(w, c.pts, c.n))
			return 0;
	}
	err = for_each_tstate(w, match_tid, &m);
	if (err == 0)
		*e = (struct tid_entry){tid, 0, 0, NEGATIVE_SKIP};
	if (err <= 0)
		return err;
	*e = (struct tid_entry){tid, m.tstate, m.thread_id, 0};
	return rd(w, m.tstate, ts, w->ts_span) ? -FE_BAD_MEMORY : 1;
}

/* ---- frames ---- */

static int current_frame(struct pywalker *w, const unsigned char *ts,
			 uint64_t *frame)
{
	uint64_t cframe;

	if (w->l.minor == 11 || w->l.minor == 12) {
		cframe = get_u64(ts, w->l.ts_cframe);
		if (!cframe) {
			*frame = 0;
			return 0;
		}
		if (!ptr_ok(cframe))
			return -FE_BAD_MEMORY;
		return rd_ptr(w, cframe + (uint64_t)w->l.cf_current_frame, frame);
	}
	*frame = get_u64(ts, w->l.ts_frame);
	return 0;
}

/* Reads the frame at addr.  On 3.11+ frames sit next to each other in the
 * thread's data stack, the caller's below the callee's: one read of the
 * page up to the frame serves the frames below it on that page. */
static int read_frame(struct pywalker *w, uint64_t addr, unsigned char *buf)
{
	size_t len = w->fr_span;
	uint64_t start = addr & ~(uint64_t)4095;

	if (addr >= w->blk_addr && addr + len <= w->blk_addr + w->blk_len) {
		memcpy(buf, w->blk + (addr - w->blk_addr), len);
		return 0;
	}
	if (w->l.minor <= 10 || addr + len - start > sizeof w->blk ||
	    rd(w, start, w->blk, addr + len - start) != 0)
		return rd(w, addr, buf, len);
	w->blk_addr = start;
	w->blk_len = addr + len - start;
	memcpy(buf, w->blk + (addr - start), len);
	return 0;
}

/* Walks the frame chain from frame, leaf first, into raw[0..*n). */
static int walk_frames(struct pywalker *w, uint64_t frame,
		       struct rawframe *raw, size_t max, size_t *n)
{
	const struct pylayout *l = &w->l;
	unsigned char fb[256];
	int err = 0;

	uint64_t seen = 0; /* Brent's cycle detection */

	*n = 0;
	w->blk_len = 0;
	for (int i = 0; frame && *n < max; i++) {
		if (i == MAX_FRAMES || !ptr_ok(frame) || frame == seen)
			return -FE_BAD_MEMORY;
		if (!(i & (i - 1)))
			seen = frame;
		err = read_frame(w, frame, fb);
		if (err)
			return err;
		/* Before 3.11 a frame is an object: one whose reference count
		 * (the first word; a debug build's list link, which a dealloc
		 * also clears) is 0 was freed while we read, into the free list
		 * (linked through f_back) or its code's zombie frame, and its
		 * f_back leads elsewhere.  The chain read so far stands;
		 * nothing above it is known. */
		if (l->minor <= 10 && get_u64(fb, 0) == 0)
			return -FE_BAD_MEMORY;
		uint64_t next = get_u64(fb, l->fr_previous);
		if (l->minor >= 12 && fb[l->fr_owner] == FRAME_OWNED_BY_CSTACK) {
			if (*n)
				raw[*n - 1].entry = 1;
			frame = next;
			continue;
		}
		raw[*n].code = get_u64(fb, l->fr_code);
		raw[*n].file = raw[*n].name = 0; /* identity not known */
		raw[*n].instr = l->minor <= 10 ?
					(uint64_t)(uint32_t)get_i32(fb, l->fr_instr) :
					get_u64(fb, l->fr_instr);
		raw[*n].entry = l->minor <= 10 ? 1 :
				l->minor == 11 ? fb[l->fr_is_entry] != 0 : 0;
		(*n)++;
		frame = next;
	}
	/* The root frame starts the outermost eval call. */
	if (!frame && *n)
		raw[*n - 1].entry = 1;
	return 0;
}

/* Turns raw frames into named frames; stops at the first unreadable one,
 * or with keep_going names it PYWALKER_UNNAMED and goes on. */
static int name_frames(struct pywalker *w, const struct rawframe *raw,
		       size_t nraw, int with_lines, int keep_going,
		       struct pyframe *out, size_t *n)
{
	int unnamed = 0;

	uint64_t addrs[BATCH];
	unsigned char bufs[BATCH][256];
	int ok[BATCH], err = 0;

	*n = 0;
	for (size_t base = 0; base < nraw; base += BATCH) {
		size_t k = nraw - base < BATCH ? nraw - base : BATCH;
		for (size_t i = 0; i < k; i++)
			addrs[i] = raw[base + i].code;
		err = read_idents(w, addrs, k, bufs, ok);
		if (err)
			return err;
		for (size_t i = 0; i < k; i++) {
			const struct rawframe *r = &raw[base + i];
			struct code_entry *e;

			e = ok[i] ? code_lookup(w, r->code, bufs[i], &err) : NULL;
			if (!ok[i])
				err = -FE_BAD_MEMORY;
			/* another code object at the address since the sample */
			if (e && r->file &&
			    (e->filename != r->file ||
			     (e->qualname ? e->qualname : e->name) != r->name)) {
				e = NULL;
				err = -FE_BAD_MEMORY;
			}
			if (!e && (!keep_going || err == -ENOMEM || err == -ESRCH))
				return err == -ENOMEM || err == -ESRCH ?
					       err : -FE_BAD_MEMORY;
			if (!e) {
				out[*n] = (struct pyframe){ 0 };
				out[*n].name = PYWALKER_UNNAMED;
				out[*n].entry = r->entry;
				(*n)++;
				unnamed = 1;
				continue;
			}
			out[*n].name = with_lines ?
					       line_label(w, e, r->code, r->instr) :
					       e->label;
			if (!out[*n].name)
				return -ENOMEM;
			out[*n].entry = r->entry;
			out[*n].code = r->code;
			out[*n].instr = r->instr;
			(*n)++;
		}
	}
	return unnamed ? -FE_BAD_MEMORY : 0;
}

static int walk_once(struct pywalker *w, pid_t tid, int with_lines,
		     struct pyframe *out, size_t max, size_t *n)
{
	unsigned char ts[512];
	uint64_t frame;
	size_t nraw = 0;
	int err, found, walk_err;

	*n = 0;
	found = find_tstate(w, tid, ts);
	if (found <= 0)
		return found == -ESRCH || found == -ENOMEM ? found :
		       found < 0 ? -FE_BAD_MEMORY : 0;
	err = current_frame(w, ts, &frame);
	if (err || !frame)
		return err;
	walk_err = walk_frames(w, frame, w->raw, max, &nraw);
	err = name_frames(w, w->raw, nraw, with_lines, 0, out, n);
	return err ? err : walk_err;
}

void pywalker_recheck(struct pywalker *w, pid_t tid)
{
	struct tid_entry *e;

	if (!w)
		return;
	e = &w->tids[(unsigned)tid % TID_SLOTS];
	if (e->tid == tid && !e->tstate)
		e->skip = 0;
}

int pywalker_stack(struct pywalker *w, pid_t tid, int with_lines,
		   struct pyframe *out, size_t max, size_t *n)
{
	int err;

	if (max > MAX_FRAMES)
		max = MAX_FRAMES;
	/* The target runs on: a frame popped while it was read gives
	 * inconsistent memory; a second walk usually sees a settled stack. */
	for (int attempt = 0; attempt < 2; attempt++) {
		err = walk_once(w, tid, with_lines, out, max, n);
		if (err == -EFAULT)
			err = -FE_BAD_MEMORY;
		if (err != -FE_BAD_MEMORY)
			break;
	}
	return err;
}

/* ---- thread names ---- */

enum { MAX_NAMED_THREADS = 1024 };

static int mem_readv(void *ctx, struct pyiov *io, size_t n)
{
	struct pywalker *w = ctx;

	for (size_t i = 0; i < n; i += BATCH) {
		struct iovec loc[BATCH], rem[BATCH];
		size_t k = n - i < BATCH ? n - i : BATCH;
		ssize_t got;

		for (size_t j = 0; j < k; j++) {
			io[i + j].ok = 0;
			loc[j] = (struct iovec){io[i + j].buf, io[i + j].len};
			rem[j] = (struct iovec){(void *)(uintptr_t)io[i + j].addr,
						io[i + j].len};
		}
		got = process_vm_readv(w->pid, loc, k, rem, k, 0);
		if (got < 0 && errno == ESRCH)
			return -ESRCH;
		/* whole pieces are read up to the first that fails */
		for (size_t j = 0, done = 0; got > 0 && j < k; j++) {
			done += io[i + j].len;
			if ((size_t)got < done)
				break;
			io[i + j].ok = 1;
		}
	}
	return 0;
}

int pywalker_thread_names(struct pywalker *w,
			  const struct pywalker_thread **out, size_t *n)
{
	struct pymem mem = {mem_readv, w};
	struct pynames pn = {
		&mem, &w->l,
		{w->t.type_str, w->t.type_long, w->t.type_dict, w->t.type_module},
	};
	size_t got = 0;
	int err;

	*n = 0;
	*out = NULL;
	if (!w->tnames) {
		w->tnames = calloc(MAX_NAMED_THREADS, sizeof *w->tnames);
		w->tlist = calloc(MAX_NAMED_THREADS, sizeof *w->tlist);
		if (!w->tnames || !w->tlist)
			return -ENOMEM;
	}
	err = py_thread_names(&pn, w->t.runtime, w->tnames, MAX_NAMED_THREADS,
			      &got);
	if (err == -EFAULT)
		err = -FE_BAD_MEMORY;
	if (err)
		return err;
	for (size_t i = 0; i < got; i++)
		w->tlist[i] = (struct pywalker_thread){w->tnames[i].tid,
						       w->tnames[i].name};
	*out = w->tlist;
	*n = got;
	return 0;
}

/* ---- frames read elsewhere ---- */

void pywalker_bpf_proc(const struct pywalker *w, struct pybpf_proc *out)
{
	const struct pylayout *l = &w->l;

	*out = (struct pybpf_proc){
		.runtime = w->t.runtime,
		.minor = (uint32_t)l->minor,
		.rt_interp_head = l->rt_interp_head,
		.is_next = l->is_next,
		.is_threads_head = l->is_threads_head,
		.ts_next = l->ts_next,
		.ts_thread_id = l->ts_thread_id,
		.ts_frame = l->ts_frame,
		.ts_cframe = l->ts_cframe,
		.cf_current_frame = l->cf_current_frame,
		.fr_previous = l->fr_previous,
		.fr_code = l->fr_code,
		.fr_instr = l->fr_instr,
		.fr_owner = l->fr_owner,
		.fr_is_entry = l->fr_is_entry,
		.co_filename = l->co_filename,
		.co_name = l->co_qualname >= 0 ? l->co_qualname : l->co_name,
	};
}

int pywalker_name_raw(struct pywalker *w, const struct pyrawframe *raw,
		      size_t n, int root_known, int with_lines,
		      struct pyframe *out, size_t *nout)
{
	if (n > MAX_FRAMES)
		n = MAX_FRAMES;
	for (size_t i = 0; i < n; i++) {
		w->raw[i].code = raw[i].code & ~(uint64_t)1;
		w->raw[i].instr = raw[i].instr;
		w->raw[i].file = raw[i].file;
		w->raw[i].name = raw[i].name;
		w->raw[i].entry = (raw[i].code & 1) || w->l.minor <= 10 ||
				  (root_known && i == n - 1);
	}
	return name_frames(w, w->raw, n, with_lines, 1, out, nout);
}

/* ---- set-up ---- */

static void compute_spans(struct pywalker *w)
{
	const struct pylayout *l = &w->l;
	int32_t ts[] = {l->ts_next, l->ts_frame, l->ts_cframe, l->ts_thread_id,
			l->ts_native_thread_id};
	int32_t fr[] = {l->fr_previous, l->fr_code, l->fr_instr, l->fr_owner,
			l->fr_is_entry};
	int32_t co[] = {l->co_filename, l->co_name, l->co_qualname,
			l->co_firstlineno, l->co_linetable, l->co_code};
	int32_t lo = INT32_MAX, hi = 0;

	for (size_t i = 0; i < 5; i++) {
		if (ts[i] + 8 > (int32_t)w->ts_span)
			w->ts_span = (size_t)ts[i] + 8;
		if (fr[i] + 8 > (int32_t)w->fr_span)
			w->fr_span = (size_t)fr[i] + 8;
	}
	for (size_t i = 0; i < sizeof co / sizeof *co; i++) {
		if (co[i] >= 0 && co[i] < lo)
			lo = co[i];
		if (co[i] + 8 > hi)
			hi = co[i] + 8;
	}
	w->co_lo = (size_t)lo;
	w->co_hi = (size_t)hi;
}

static int spans_ok(const struct pywalker *w)
{
	return w->ts_span <= 512 && w->fr_span <= 256 &&
	       w->co_hi - w->co_lo <= 256;
}

/* Reads _Py_DebugOffsets at the start of _PyRuntime (3.13+). */
static int layout_from_target(struct pywalker *w)
{
	unsigned char buf[PY_DEBUG_OFFSETS_READ];
	int err = rd(w, w->t.runtime, buf, sizeof buf);

	if (err)
		return err;
	err = pylayout_from_debug_offsets(buf, sizeof buf, &w->l);
	if (!err)
		w->source = strdup("_Py_DebugOffsets");
	return err ? err : w->source ? 0 : -ENOMEM;
}

static int choose_layout(struct pywalker *w, unsigned flags)
{
	const struct pylayout *b;
	int err = -FE_NO_DEBUGINFO;

	memset(&w->l, 0xff, sizeof w->l);
	w->l.minor = w->t.minor;
	if (!(flags & PYWALKER_NO_DWARF)) {
		err = pylayout_from_dwarf_once(w->t.open_path, &w->l,
					       &w->source);
		if (err == 0 || err == -ENOMEM)
			return err;
	}
	if (w->t.minor >= 13 && !(flags & PYWALKER_NO_DEBUG_OFFSETS)) {
		err = layout_from_target(w);
		if (err == 0 || err == -ESRCH || err == -ENOMEM || err == -EPERM)
			return err;
	}
	b = pylayout_builtin(w->t.minor);
	if (!b)
		return -FE_NO_DEBUGINFO;
	w->l = *b;
	if (asprintf(&w->source, "built-in table 3.%d", b->minor) < 0) {
		w->source = NULL;
		return -ENOMEM;
	}
	return 0;
}

int pywalker_check_dwarf_start(struct pywalker *w)
{
	if (w->job || !strncmp(w->source, "DWARF ", 6))
		return 0;
	return pydwarf_job_start(w->t.open_path, w->l.minor, &w->job);
}

int pywalker_check_dwarf_poll(struct pywalker *w, int wait)
{
	struct pylayout d;
	char *src = NULL;
	int err;

	if (!w->job)
		return 0;
	if (!wait && !pydwarf_job_done(w->job))
		return -EAGAIN;
	err = pydwarf_job_finish(w->job, &d, &src);
	w->job = NULL;
	if (err == -ENOMEM) {
		free(src);
		return err;
	}
	if (err || pylayout_check(&d) != 0) {
		free(src);
		return 0; /* no DWARF: the layout stays */
	}
	if (memcmp(&d, &w->l, sizeof d) != 0) {
		free(src);
		return 1;
	}
	free(w->source);
	w->source = src;
	return 0;
}

int pywalker_new_flags(pid_t pid, unsigned flags, struct pywalker **out)
{
	struct pywalker *w = calloc(1, sizeof *w);
	int err;

	if (!w)
		return -ENOMEM;
	w->pid = pid;
	w->pthread_tid_off = -1;
	err = py_detect(pid, &w->t);
	if (err)
		goto fail;
	err = choose_layout(w, flags);
	if (err)
		goto fail;
	compute_spans(w);
	if (!spans_ok(w)) {
		err = -FE_NO_DEBUGINFO;
		goto fail;
	}
	w->names = intern_new();
	w->codes = calloc(CODE_SLOTS, sizeof *w->codes);
	w->raw = calloc(MAX_FRAMES, sizeof *w->raw);
	if (!w->names || !w->codes || !w->raw) {
		err = -ENOMEM;
		goto fail;
	}
	*out = w;
	return 0;
fail:
	pywalker_free(w);
	return err;
}

int pywalker_new_fake(int pid, int minor, uint64_t runtime,
		      struct pywalker **out)
{
	const struct pylayout *b = pylayout_builtin(minor);
	struct pywalker *w;

	if (!b)
		return -FE_UNSUPPORTED;
	w = calloc(1, sizeof *w);
	if (!w)
		return -ENOMEM;
	w->pid = pid;
	w->pthread_tid_off = -1;
	w->l = *b;
	w->t.minor = minor;
	w->t.runtime = runtime;
	snprintf(w->t.version, sizeof w->t.version, "3.%d", minor);
	w->source = strdup("fake");
	compute_spans(w);
	w->names = intern_new();
	w->codes = calloc(CODE_SLOTS, sizeof *w->codes);
	w->raw = calloc(MAX_FRAMES, sizeof *w->raw);
	if (!w->source || !w->names || !w->codes || !w->raw) {
		pywalker_free(w);
		return -ENOMEM;
	}
	*out = w;
	return 0;
}

int pywalker_new(pid_t pid, struct pywalker **out)
{
	return pywalker_new_flags(pid, 0, out);
}

void pywalker_free(struct pywalker *w)
{
	if (!w)
		return;
	if (w->job) {
		struct pylayout d;
		char *src = NULL;

		pydwarf_job_finish(w->job, &d, &src);
		free(src);
	}
	if (w->codes)
		for (size_t i = 0; i < CODE_SLOTS; i++)
			free(w->codes[i].lt);
	free(w->codes);
	free(w->raw);
	free(w->tnames);
	free(w->tlist);
	intern_free(w->names);
	free(w->source);
	free(w);
}

const char *pywalker_version(const struct pywalker *w)
{
	return w->t.version;
}

const char *pywalker_layout_source(const struct pywalker *w)
{
	return w->source;
}

const char *pywalker_binary(const struct pywalker *w)
{
	return w->t.path;
}

int pywalker_at_instr(const struct pywalker *w, const struct pyframe *f,
		      uint64_t next_instr)
{
	uint64_t at = f->instr;

	if (!f->code)
		return 0;
	if (w->l.minor <= 10) {
		/* f_lasti is an offset into the bytes object co_code, named
		 * when the frame was (the code object's cache entry) */
		const struct code_entry *e = &w->codes[code_slot(f->code)];
		long off = instr_offset(w, f->code, f->instr);

		if (e->addr != f->code || !ptr_ok(e->co_code) ||
		    w->l.bytes_sval < 0)
			return -1;
		if (off < 0)
			return 0; /* not started: it is not calling anything */
		at = e->co_code + (uint64_t)w->l.bytes_sval + (uint64_t)off;
	}
	if (!at)
		return 0;
	return next_instr >= at && next_instr - at <= PYWALKER_INSTR_SLACK;
}

int pywalker_is_eval_symbol(const char *sym)
{
	static const char eval[] = "_PyEval_EvalFrameDefault";
	size_t n = sizeof eval - 1;

	return sym && !strncmp(sym, eval, n) && (sym[n] == 0 || sym[n] == '.');
}
