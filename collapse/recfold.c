#include "recfold.h"
#include "plumbing.h"
#include "../common/vec.h"
#include "../common/error.h"
#include "../common/intern.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* A u32 -> u32 map (open addressing), for pid -> name and tid -> thread. */
struct umap {
	uint64_t *slots; /* key << 32 | value, with key + 1 so 0 is empty */
	size_t n, cap;
};

static uint64_t *umap_slot(const struct umap *m, uint32_t key)
{
	size_t i = (key * 2654435761u) & (m->cap - 1);

	while (m->slots[i] && (uint32_t)((m->slots[i] >> 32) - 1) != key)
		i = (i + 1) & (m->cap - 1);
	return &m->slots[i];
}

static int umap_put(struct umap *m, uint32_t key, uint32_t value)
{
	uint64_t *s;

	if ((m->n + 1) * 2 > m->cap) {
		struct umap nm = { calloc(m->cap ? m->cap * 2 : 64, 8), 0,
				   m->cap ? m->cap * 2 : 64 };

		if (!nm.slots)
			return -ENOMEM;
		for (size_t i = 0; i < m->cap; i++)
			if (m->slots[i])
				*umap_slot(&nm, (uint32_t)((m->slots[i] >> 32) - 1)) =
					m->slots[i];
		nm.n = m->n;
		free(m->slots);
		*m = nm;
	}
	s = umap_slot(m, key);
	if (!*s)
		m->n++;
	*s = ((uint64_t)key + 1) << 32 | value;
	return 0;
}

/* Returns the value or -1. */
static int64_t umap_get(const struct umap *m, uint32_t key)
{
	uint64_t *s;

	if (!m->cap)
		return -1;
	s = umap_slot(m, key);
	return *s ? (int64_t)(uint32_t)*s : -1;
}

struct frame {
	uint32_t name; /* id in names */
	uint8_t kind;
	uint8_t plumb; /* enum plumb */
};

/* A LOC record: its frames (in lframes), module and offset, its LINES
 * (in rlines, when a LINES record came) and, once a stack used it, its
 * fold location. */
#define NO_ID UINT32_MAX
struct rloc {
	uint64_t offset;
	uint32_t fold_id, off, n, module, lines;
};

/* One frame's source position: line and file (an id in names). */
struct rline {
	uint32_t line, file;
};

struct rf {
	const struct recfold_opts *o;
	struct fold *f;
	struct intern *names;   /* every string: frame texts, comms, threads */
	struct frame *frames;
	size_t nframes, fcap;
	struct umap comm;       /* pid -> name id */
	struct umap thread;     /* tid -> name id */
	struct umap pythread;   /* tid -> Python's name for it (name id) */
	struct umap pythread_pid; /* tid -> the pid that name was read in */
	struct intern *keys;    /* pid, tid, frame ids root first */
	double *weights;
	size_t wcap;
	uint32_t *kbuf;
	uint8_t *drop;          /* per frame of the sample being folded */
	char *text;
	size_t tcap;
	uint64_t lost_sum, lost_end;
	double freq;            /* the recording's sampling frequency */
	int64_t from_ns, to_ns;
	struct fold_sample *tl; /* timeline: .entry holds the key id */
	size_t ntl, tlcap;
	uint64_t last_ns, duration_ns;
	/* locations (o->locations) */
	struct rloc *rlocs;
	size_t nrlocs, rlcap;
	uint32_t *lframes;      /* frame ids of the LOCs, innermost first */
	size_t nlframes, lfcap;
	struct rline *rlines;   /* LINES, innermost first */
	size_t nrlines, rlncap;
	uint32_t *frameloc;     /* frame id -> name-only location id + 1 */
	size_t flcap, nfl;
	int pending;            /* a SAMPLE waiting for its SAMPLE_LOCS */
	struct rec_sample pend;
	uint32_t *pframes;      /* its frames */
	uint32_t *lbuf;         /* a location stack being built */
};

static int str_eq(const struct rec_str *s, const char *lit)
{
	return s->len == strlen(lit) && !memcmp(s->s, lit, s->len);
}

static uint64_t str_u64(const struct rec_str *s)
{
	char buf[32];
	size_t n = s->len < sizeof buf - 1 ? s->len : sizeof buf - 1;

	memcpy(buf, s->s, n);
	buf[n] = '\0';
	return strtoull(buf, NULL, 10);
}

static void on_meta(struct rf *rf, const struct rec_str *k,
		    const struct rec_str *v)
{
	struct fold_info *in = fold_info(rf->f);
	uint64_t x;

	if (str_eq(k, "frequency")) {
		x = str_u64(v);
		in->period_ns = x ? 1e9 / (double)x : 0;
		rf->freq = (double)x;
	} else if (str_eq(k, "start-time")) {
		x = str_u64(v);
		in->start_ns = x < UINT64_MAX / 1000000000u ? x * 1000000000u : 0;
	} else if (str_eq(k, "pid")) {
		in->target_pid = (uint32_t)str_u64(v);
	} else if (str_eq(k, "event")) {
		size_t n = v->len < sizeof in->event - 1 ? v->len
							   : sizeof in->event - 1;

		memcpy(in->event, v->s, n);
		in->event[n] = '\0';
	}
}

/* Interns s with ";" -> ":", control bytes -> "?", and an optional suffix. */
static int64_t add_name(struct rf *rf, const char *s, size_t n,
			const char *suffix, int spaces)
{
	size_t sl = strlen(suffix);

	if (vec_reserve((void **)&rf->text, &rf->tcap, n + sl + 1, 1))
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		rf->text[i] = c == ';' ? ':' : (c < 0x20 || c == 0x7f) ? '?' :
			      (spaces && c == ' ') ? '_' : (char)c;
	}
	memcpy(rf->text + n, suffix, sl);
	return intern_add(rf->names, rf->text, n + sl, NULL);
}

static const char *kind_suffix(enum frame_kind k)
{
	switch (k) {
	case FK_KERNEL: return "_[k]";
	case FK_INLINE: return "_[i]";
	case FK_JIT: return "_[j]";
	default: return "";
	}
}

static int on_frame(struct rf *rf, const struct rec_record *rec)
{
	const struct rec_str *nm = &rec->u.frame.name, *mod = &rec->u.frame.module;
	const char *suffix = kind_suffix(rec->u.frame.kind);
	int64_t id;
	char buf[300];

	if (nm->len) {
		id = add_name(rf, nm->s, nm->len, suffix, 0);
	} else {
		const char *m = mod->s, *sl = memrchr(m, '/', mod->len);
		size_t ml = mod->len;
		int n;

		if (sl) {
			ml -= (size_t)(sl + 1 - m);
			m = sl + 1;
		}
		n = ml ? snprintf(buf, sizeof buf, "[%.*s]", (int)(ml > 256 ? 256 : ml), m)
		       : snprintf(buf, sizeof buf, "[unknown]");
		id = add_name(rf, buf, (size_t)n, suffix, 0);
	}
	if (id < 0)
		return (int)id;
	if (mod->len && rec->u.frame.kind != FK_KERNEL) {
		size_t nl;
		const char *nm2 = intern_get(rf->names, (uint32_t)id, &nl);
		int err = fold_name_module(rf->f, nm2, nl, mod->s, mod->len);

		if (err)
			return err;
	}
	if (vec_reserve((void **)&rf->frames, &rf->fcap, rf->nframes + 1,
		    sizeof *rf->frames))
		return -ENOMEM;
	rf->frames[rf->nframes].name = (uint32_t)id;
	rf->frames[rf->nframes].kind = (uint8_t)rec->u.frame.kind;
	rf->frames[rf->nframes].plumb =
		(uint8_t)plumb_class(nm->s, nm->len, rec->u.frame.kind);
	rf->nframes++;
	return 0;
}

/* The leaf-most frame id of an off-CPU stack (no recording has 2^32-1
 * frames: REC_MAX_FRAMES bounds a sample, the reader bounds frame ids). */
#define OFFCPU_MARK UINT32_MAX
/* in a key right after pid, tid: the next value is the Erlang process's
 * name id (rf->names) */
#define ERLPROC_MARK (UINT32_MAX - 1)

/* Marks in rf->drop[0..s->n) the frames --native-all would keep and the
 * default (or --python-only) leaves out.  Leaf first: a bridge frame is
 * left out when the next frame kept towards the leaf is a Python frame. */
static void mark_dropped(struct rf *rf, const struct rec_sample *s)
{
	enum recfold_frames mode = rf->o->frames;
	int has_py = 0, fold, into_py = 0;

	memset(rf->drop, 0, s->n);
	/* a Python stack whose frames were left out ([python?]) is one */
	has_py = !!(s->flags & REC_SF_PY_UNCONFIRMED);
	for (uint32_t i = 0; i < s->n && !has_py; i++)
		has_py = rf->frames[s->frames[i]].kind == FK_PYTHON;
	if (!has_py || mode == RECFOLD_NATIVE_ALL)
		return;
	fold = !(s->flags & (REC_SF_PY_AMBIGUOUS | REC_SF_PY_INVALID));
	for (uint32_t i = 0; i < s->n; i++) {
		const struct frame *fr = &rf->frames[s->frames[i]];

		/* --python-only: the interpreter's own Python-kind shim
		 * (3.13's init cleanup) goes with the native frames, also
		 * from a sample kept whole */
		if (mode == RECFOLD_PYTHON_ONLY &&
		    ((fr->kind != FK_PYTHON && fr->kind != FK_KERNEL &&
		      fr->kind != FK_TRUNCATED && fr->kind != FK_INVALID) ||
		     fr->plumb == PLUMB_CALL)) {
			rf->drop[i] = 1;
			continue;
		}
		if (fold && (fr->plumb == PLUMB_CALL ||
			     (fr->plumb == PLUMB_BRIDGE && into_py))) {
			rf->drop[i] = 1;
			continue;
		}
		into_py = fr->kind == FK_PYTHON;
	}
}

/* Whether the SAMPLE_LOCS locs[nl] expand to exactly the frames of s. */
static int locs_match(const struct rf *rf, const struct rec_sample *s,
		      const uint32_t *locs, uint32_t nl)
{
	const struct rloc *l;
	uint32_t k = 0;

	for (uint32_t i = 0; i < nl; i++) {
		if (locs[i] & REC_LOC_FRAME) {
			if (k >= s->n || s->frames[k++] != (locs[i] & ~REC_LOC_FRAME))
				return 0;
			continue;
		}
		if (locs[i] >= rf->nrlocs)
			return 0;
		l = &rf->rlocs[locs[i]];
		if (l->n > s->n - k ||
		    memcmp(&rf->lframes[l->off], s->frames + k, l->n * 4))
			return 0;
		k += l->n;
	}
	return k == s->n;
}

static int on_sample(struct rf *rf, const struct rec_sample *s,
		     const uint32_t *locs, uint32_t nlocs,
		     struct recfold_stats *st)
{
	size_t n = 2;
	int64_t id;
	size_t old;

	int off = (s->flags & REC_SF_OFFCPU) != 0;

	st->offcpu += off;
	if (off ? rf->o->mode == RECFOLD_CPU : rf->o->mode == RECFOLD_OFFCPU)
		return 0;
	if ((int64_t)s->time_ns < rf->from_ns ||
	    (rf->to_ns >= 0 && (int64_t)s->time_ns >= rf->to_ns) ||
	    s->time_ns > INT64_MAX) {
		st->filtered++;
		return 0;
	}
	rf->kbuf[0] = s->pid;
	rf->kbuf[1] = s->tid;
	if (rf->o->erlang_processes && !rf->o->locations && s->erlproc) {
		/* target memory (an atom's text): ';' and control bytes
		 * made harmless like every frame name */
		int64_t e = add_name(rf, s->erlproc, strlen(s->erlproc), "",
				     0);

		if (e < 0)
			return (int)e;
		rf->kbuf[n++] = ERLPROC_MARK;
		rf->kbuf[n++] = (uint32_t)e;
	}
	mark_dropped(rf, s);
	if (rf->o->locations) {
		/* key: pid, tid, locations root first (a location, or
		 * REC_LOC_FRAME | a frame without one); a stack with frames
		 * left out (CPython's plumbing) is names only */
		if (memchr(rf->drop, 1, s->n) || !nlocs ||
		    !locs_match(rf, s, locs, nlocs)) {
			uint32_t k = 0;

			for (uint32_t i = 0; i < s->n; i++)
				if (!rf->drop[i])
					rf->lbuf[k++] = REC_LOC_FRAME | s->frames[i];
			locs = rf->lbuf;
			nlocs = k;
		}
		for (uint32_t i = nlocs; i-- > 0;) {
			if (rf->o->no_kernel && (locs[i] & REC_LOC_FRAME) &&
			    rf->frames[locs[i] & ~REC_LOC_FRAME].kind == FK_KERNEL)
				continue;
			rf->kbuf[n++] = locs[i];
		}
	} else {
		for (uint32_t i = s->n; i-- > 0;) {
			if (rf->drop[i])
				continue;
			if (rf->o->no_kernel &&
			    rf->frames[s->frames[i]].kind == FK_KERNEL)
				continue;
			rf->kbuf[n++] = s->frames[i];
		}
	}
	if (off)
		rf->kbuf[n++] = OFFCPU_MARK;
	old = intern_count(rf->keys);
	id = intern_add(rf->keys, rf->kbuf, n * 4, NULL);
	if (id < 0)
		return (int)id;
	if ((size_t)id >= old) {
		if (vec_reserve((void **)&rf->weights, &rf->wcap, (size_t)id + 1,
			    sizeof *rf->weights))
			return -ENOMEM;
		rf->weights[id] = 0;
	}
	rf->weights[id] += (double)s->weight;
	st->samples++;
	if (s->time_ns > rf->last_ns)
		rf->last_ns = s->time_ns;
	if (rf->o->timeline) {
		if (vec_reserve((void **)&rf->tl, &rf->tlcap, rf->ntl + 1,
				sizeof *rf->tl))
			return -ENOMEM;
		rf->tl[rf->ntl++] = (struct fold_sample){
			s->time_ns, (double)s->weight, (uint32_t)id };
	}
	return 0;
}

/* A LOC record: kept until the end (its LINES come after the samples). */
static int on_loc(struct rf *rf, const struct rec_record *rec)
{
	uint32_t n = rec->u.loc.n;
	int64_t mod;

	if (n == 0 || n > FOLD_LOC_MAX_LINES || rec->u.loc.id != rf->nrlocs)
		return -FE_CORRUPT;
	mod = intern_add(rf->names, rec->u.loc.module.s, rec->u.loc.module.len,
			 NULL);
	if (mod < 0 ||
	    vec_reserve((void **)&rf->rlocs, &rf->rlcap, rf->nrlocs + 1,
			sizeof *rf->rlocs) ||
	    vec_reserve((void **)&rf->lframes, &rf->lfcap, rf->nlframes + n,
			sizeof *rf->lframes))
		return -ENOMEM;
	rf->rlocs[rf->nrlocs++] = (struct rloc){ rec->u.loc.offset, NO_ID,
		(uint32_t)rf->nlframes, n, (uint32_t)mod, NO_ID };
	memcpy(rf->lframes + rf->nlframes, rec->u.loc.frames, n * sizeof(uint32_t));
	rf->nlframes += n;
	return 0;
}

/* A LINES record: the source positions of a LOC's frames (ignored when
 * they are not one per frame). */
static int on_lines(struct rf *rf, const struct rec_record *rec)
{
	struct rloc *l;
	uint32_t n = rec->u.lines.n;

	if (rec->u.lines.loc >= rf->nrlocs)
		return -FE_CORRUPT;
	l = &rf->rlocs[rec->u.lines.loc];
	if (n != l->n || l->lines != NO_ID)
		return 0;
	if (vec_reserve((void **)&rf->rlines, &rf->rlncap, rf->nrlines + n,
			sizeof *rf->rlines))
		return -ENOMEM;
	for (uint32_t i = 0; i < n; i++) {
		const struct rec_line *x = &rec->u.lines.lines[i];
		int64_t file = intern_add(rf->names, x->file.s, x->file.len, NULL);

		if (file < 0)
			return (int)file;
		rf->rlines[rf->nrlines + i] = (struct rline){ x->line,
							      (uint32_t)file };
	}
	l->lines = (uint32_t)rf->nrlines;
	rf->nrlines += n;
	return 0;
}

/* The fold location of LOC i, made on first use. */
static int64_t loc_fold_id(struct rf *rf, uint32_t i)
{
	static struct fold_loc fl; /* 2.5 KiB: not on the stack */
	struct rloc *l = &rf->rlocs[i];
	size_t len;
	int64_t id;

	if (l->fold_id != NO_ID)
		return l->fold_id;
	fl.module = intern_get(rf->names, l->module, &len);
	fl.mlen = len;
	fl.offset = l->offset;
	fl.n = l->n;
	for (uint32_t j = 0; j < l->n; j++) {
		const struct rline *x = l->lines == NO_ID ? NULL :
					&rf->rlines[l->lines + j];

		fl.lines[j].name = intern_get(rf->names,
			rf->frames[rf->lframes[l->off + j]].name, &len);
		fl.lines[j].nlen = len;
		fl.lines[j].file = x ? intern_get(rf->names, x->file, &len) : "";
		fl.lines[j].flen = x ? len : 0;
		fl.lines[j].line = x ? x->line : 0;
	}
	id = fold_loc_add(rf->f, &fl);
	if (id >= 0)
		l->fold_id = (uint32_t)id;
	return id;
}

/* Folds the SAMPLE held for its SAMPLE_LOCS (locs may be NULL). */
static int flush_pending(struct rf *rf, const uint32_t *locs, uint32_t n,
			 struct recfold_stats *st)
{
	if (!rf->pending)
		return 0;
	rf->pending = 0;
	return on_sample(rf, &rf->pend, locs, n, st);
}

static int on_record(struct rf *rf, const struct rec_record *rec,
		     struct recfold_stats *st)
{
	int64_t id;

	if (rf->o->locations) {
		int err;

		if (rec->type == REC_SAMPLE_LOCS)
			return flush_pending(rf, rec->u.sample_locs.locs,
					     rec->u.sample_locs.n, st);
		err = flush_pending(rf, NULL, 0, st);
		if (err)
			return err;
		if (rec->type == REC_SAMPLE) {
			/* held until the next record: its SAMPLE_LOCS */
			rf->pend = rec->u.sample;
			memcpy(rf->pframes, rec->u.sample.frames,
			       rec->u.sample.n * sizeof *rf->pframes);
			rf->pend.frames = rf->pframes;
			rf->pending = 1;
			return 0;
		}
		if (rec->type == REC_LOC)
			return on_loc(rf, rec);
		if (rec->type == REC_LINES)
			return on_lines(rf, rec);
	}
	switch (rec->type) {
	case REC_FRAME:
		return on_frame(rf, rec);
	case REC_SAMPLE:
		return on_sample(rf, &rec->u.sample, NULL, 0, st);
	case REC_PROC: {
		struct fold_info *in = fold_info(rf->f);
		const struct rec_str *exe = &rec->u.proc.exe;

		/* the recorded process (or, in old recordings, the first) */
		/* the recorded process (latest exe: it may exec), or, in
		 * recordings without META pid, the first process */
		if (exe->len < sizeof in->main_exe &&
		    (in->target_pid ? in->target_pid == rec->u.proc.pid
				    : !in->main_exe[0])) {
			memcpy(in->main_exe, exe->s, exe->len);
			in->main_exe[exe->len] = '\0';
		}
	}
		id = add_name(rf, rec->u.proc.comm.s, rec->u.proc.comm.len, "", 1);
		return id < 0 ? (int)id : umap_put(&rf->comm, rec->u.proc.pid, (uint32_t)id);
	case REC_THREAD:
		id = add_name(rf, rec->u.thread.name.s, rec->u.thread.name.len, "", 0);
		if (id < 0)
			return (int)id;
		return umap_put(&rf->thread, rec->u.thread.tid, (uint32_t)id);
	case REC_THREAD_PYTHON:
		id = add_name(rf, rec->u.thread.name.s, rec->u.thread.name.len, "", 0);
		if (id < 0)
			return (int)id;
		if (umap_put(&rf->pythread_pid, rec->u.thread.tid,
			     rec->u.thread.pid))
			return -ENOMEM;
		return umap_put(&rf->pythread, rec->u.thread.tid, (uint32_t)id);
	case REC_LOST:
		rf->lost_sum += rec->u.lost.count;
		return 0;
	case REC_END:
		rf->lost_end = rec->u.end.lost;
		return 0;
	case REC_META:
		on_meta(rf, &rec->u.meta.key, &rec->u.meta.value);
		return 0;
	case REC_MAP: {
		struct fold_info *in = fold_info(rf->f);
		const struct rec_str *pa = &rec->u.map.path;

		/* after an exec PROC has no exe: the kernel reports the new
		 * executable's mapping first */
		if (!in->main_exe[0] && in->target_pid == rec->u.map.pid &&
		    pa->len < sizeof in->main_exe) {
			memcpy(in->main_exe, pa->s, pa->len);
			in->main_exe[pa->len] = '\0';
		}
	}
		return fold_module_map(rf->f, rec->u.map.path.s,
				       rec->u.map.path.len,
				       rec->u.map.build_id.s,
				       rec->u.map.build_id.len, rec->u.map.pid,
				       rec->u.map.start, rec->u.map.end,
				       rec->u.map.pgoff);
	case REC_COUNT:
		if (str_eq(&rec->u.count.name, "duration-ns"))
			rf->duration_ns = rec->u.count.value;
		return 0;
	default:
		return 0;
	}
}

static const char *name_of(const struct rf *rf, int64_t id)
{
	return id < 0 ? NULL : intern_get(rf->names, (uint32_t)id, NULL);
}

/* Appends printf output to the text buffer at *len. */
static int append(struct rf *rf, size_t *len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int append(struct rf *rf, size_t *len, const char *fmt, ...)
{
	va_list ap;
	int n;

	for (;;) {
		size_t room = rf->tcap - *len;

		va_start(ap, fmt);
		n = vsnprintf(rf->text + *len, room, fmt, ap);
		va_end(ap);
		if (n < 0)
			return -EINVAL;
		if ((size_t)n < room)
			break;
		if (vec_reserve((void **)&rf->text, &rf->tcap, *len + (size_t)n + 1, 1))
			return -ENOMEM;
	}
	*len += (size_t)n;
	return 0;
}

/* The root frame(s) and group of one (pid, tid). */
static int root_of(struct rf *rf, uint32_t pid, uint32_t tid, size_t *len,
		   int64_t *group)
{
	const char *comm = name_of(rf, umap_get(&rf->comm, pid));
	const char *tname = name_of(rf, umap_get(&rf->thread, tid));
	const char *pyname;
	char pidbuf[32];
	int err;

	if (!comm)
		comm = name_of(rf, umap_get(&rf->thread, pid));
	if (!comm)
		comm = tname;
	if (!comm) {
		snprintf(pidbuf, sizeof pidbuf, "[pid %u]", pid);
		comm = pidbuf;
	}
	if (!tname)
		tname = comm;
	/* the name Python gives the thread, read in this process; an empty
	 * one was withdrawn (exec) */
	pyname = umap_get(&rf->pythread_pid, tid) == (int64_t)pid ?
			 name_of(rf, umap_get(&rf->pythread, tid)) : NULL;
	if (pyname && *pyname)
		tname = pyname;
	*len = 0;
	/* group name first, then the root text after it */
	err = append(rf, len, "%s-%u/%u %s", comm, pid, tid, tname);
	if (err)
		return err;
	for (size_t i = 0; i < *len; i++)
		if (rf->text[i] == ';')
			rf->text[i] = ':';
	*group = fold_group(rf->f, rf->text, *len);
	if (*group < 0)
		return (int)*group;
	*len = 0;
	if (rf->o->tid)
		err = append(rf, len, "%s-%u/%u;%s", comm, pid, tid, tname);
	else if (rf->o->pid)
		err = append(rf, len, "%s-%u", comm, pid);
	else
		err = append(rf, len, "%s", comm);
	return err;
}

static int emit_keys(struct rf *rf, uint32_t *entry);

/* Whether key id is an off-CPU stack (ends in the mark). */
static int key_offcpu(struct rf *rf, uint32_t id)
{
	size_t klen;
	const char *k = intern_get(rf->keys, id, &klen);
	uint32_t last;

	if (klen < 12)
		return 0;
	memcpy(&last, k + klen - 4, 4);
	return last == OFFCPU_MARK;
}

/* The location id of a frame or root text without an address. */
static int64_t name_loc(struct rf *rf, const char *name, size_t len)
{
	struct fold_loc fl = { .module = "", .n = 1 };

	fl.lines[0] = (struct fold_line){ .name = name, .nlen = len,
					  .file = "" };
	return fold_loc_add(rf->f, &fl);
}

static int64_t frame_loc(struct rf *rf, uint32_t fid)
{
	size_t nl;
	const char *nm;
	int64_t id;

	if (fid >= rf->nfl) {
		if (vec_reserve((void **)&rf->frameloc, &rf->flcap,
				(size_t)fid + 1, sizeof *rf->frameloc))
			return -ENOMEM;
		memset(rf->frameloc + rf->nfl, 0,
		       ((size_t)fid + 1 - rf->nfl) * sizeof *rf->frameloc);
		rf->nfl = (size_t)fid + 1;
	}
	if (rf->frameloc[fid])
		return rf->frameloc[fid] - 1;
	nm = intern_get(rf->names, rf->frames[fid].name, &nl);
	id = name_loc(rf, nm, nl);
	if (id >= 0)
		rf->frameloc[fid] = (uint32_t)id + 1;
	return id;
}

/* The location stack of a key (its locations root first, ents[n]) for
 * fold entry id: leaf first, then the root frames in text[0..rootlen). */
static int add_locstack(struct rf *rf, uint32_t entry, const char *ents,
			size_t n, size_t rootlen, double weight)
{
	size_t k = 0;
	int64_t id;

	for (size_t j = n; j-- > 0;) {
		uint32_t v;

		memcpy(&v, ents + 4 * j, 4);
		if (v == OFFCPU_MARK)
			id = name_loc(rf, "[off-cpu]", 9);
		else
			id = v & REC_LOC_FRAME ?
				frame_loc(rf, v & ~REC_LOC_FRAME) :
				loc_fold_id(rf, v);
		if (id < 0)
			return (int)id;
		rf->lbuf[k++] = (uint32_t)id;
	}
	/* root frames (comm, or comm-PID/TID;thread), innermost first */
	for (size_t b = rootlen + 1; b > 0;) {
		size_t end = b - 1, a = end;

		while (a > 0 && rf->text[a - 1] != ';')
			a--;
		id = name_loc(rf, rf->text + a, end - a);
		if (id < 0)
			return (int)id;
		rf->lbuf[k++] = (uint32_t)id;
		b = a;
	}
	return fold_add_locs(rf->f, entry, rf->lbuf, k, weight);
}

static int emit(struct rf *rf)
{
	size_t nkeys = intern_count(rf->keys);
	uint32_t *entry = NULL;
	int err = 0;

	if (rf->ntl) {
		entry = malloc(nkeys * sizeof *entry);
		if (!entry)
			return -ENOMEM;
	}
	err = emit_keys(rf, entry);
	for (size_t i = 0; !err && i < rf->ntl; i++) {
		double w = rf->tl[i].weight;

		/* --wall: a CPU sample stands for one period, in us */
		if (rf->o->mode == RECFOLD_WALL && rf->freq > 0 &&
		    !key_offcpu(rf, rf->tl[i].entry))
			w = w * 1e6 / rf->freq;
		err = fold_add_sample(rf->f, entry[rf->tl[i].entry],
				      rf->tl[i].time_ns, w);
	}
	fold_info(rf->f)->weight_us = rf->o->mode == RECFOLD_OFFCPU ||
				      rf->o->mode == RECFOLD_WALL;
	free(entry);
	fold_info(rf->f)->duration_ns = rf->duration_ns > rf->last_ns ?
					rf->duration_ns : rf->last_ns;
	return err;
}

/* Adds every key's stack to the fold; entry (may be NULL) receives each
 * key's fold entry id. */
static int emit_keys(struct rf *rf, uint32_t *entry)
{
	size_t nkeys = intern_count(rf->keys);

	for (size_t i = 0; i < nkeys; i++) {
		size_t klen, len;
		const char *k = intern_get(rf->keys, (uint32_t)i, &klen);
		uint32_t ids[2];
		int64_t group = 0;
		int err, off = 0;
		double w = rf->weights[i];

		size_t rootlen;

		memcpy(ids, k, 8);
		err = root_of(rf, ids[0], ids[1], &len, &group);
		rootlen = len;
		for (size_t j = 8; !err && j < klen; j += 4) {
			uint32_t fid;

			memcpy(&fid, k + j, 4);
			if (fid == ERLPROC_MARK && j + 4 < klen &&
			    !rf->o->locations) {
				memcpy(&fid, k + j + 4, 4);
				j += 4;
				err = append(rf, &len, ";%s", name_of(rf, fid));
				continue;
			}
			off = fid == OFFCPU_MARK;
			if (off) {
				err = append(rf, &len, ";[off-cpu]");
				continue;
			}
			if (rf->o->locations && !(fid & REC_LOC_FRAME)) {
				const struct rloc *l = &rf->rlocs[fid];

				/* a location's frames, outermost first */
				for (uint32_t x = l->n; !err && x-- > 0;)
					err = append(rf, &len, ";%s",
						     name_of(rf, rf->frames[
							rf->lframes[l->off + x]].name));
				continue;
			}
			fid &= rf->o->locations ? ~REC_LOC_FRAME : ~0u;
			err = append(rf, &len, ";%s",
				     name_of(rf, rf->frames[fid].name));
		}
		/* wall time: a CPU sample stands for one sampling period */
		if (!off && rf->o->mode == RECFOLD_WALL)
			w = round(w * 1e6 / rf->freq);
		if (!err) {
			int64_t id = fold_add_id(rf->f, (uint32_t)group,
						 rf->text, len, w);

			if (id < 0)
				err = (int)id;
			else if (entry)
				entry[i] = (uint32_t)id;
			if (!err && off && rf->o->mode == RECFOLD_SPLIT)
				err = fold_mark_offcpu(rf->f, (uint32_t)id);
			if (!err && rf->o->locations)
				err = add_locstack(rf, (uint32_t)id, k + 8,
						   (klen - 8) / 4, rootlen,
						   rf->weights[i]);
		}
		if (err)
			return err;
	}
	return 0;
}

static void rf_free(struct rf *rf)
{
	intern_free(rf->names);
	intern_free(rf->keys);
	free(rf->frames);
	free(rf->comm.slots);
	free(rf->thread.slots);
	free(rf->pythread.slots);
	free(rf->pythread_pid.slots);
	free(rf->weights);
	free(rf->tl);
	free(rf->kbuf);
	free(rf->drop);
	free(rf->text);
	free(rf->rlocs);
	free(rf->lframes);
	free(rf->rlines);
	free(rf->frameloc);
	free(rf->pframes);
	free(rf->lbuf);
}

int recfold_run(struct recreader *r, struct fold *f,
		const struct recfold_opts *o, struct recfold_stats *stats)
{
	struct rf rf = { .o = o, .f = f };
	struct recfold_stats st = { 0 };
	struct rec_record rec;
	int rc, err = 0;

	rf.names = intern_new();
	rf.keys = intern_new();
	rf.kbuf = malloc((REC_MAX_FRAMES + 5) * sizeof *rf.kbuf);
	rf.drop = malloc(REC_MAX_FRAMES);
	rf.pframes = malloc(REC_MAX_FRAMES * sizeof *rf.pframes);
	rf.lbuf = malloc((REC_MAX_FRAMES + 3) * sizeof *rf.lbuf);
	rf.from_ns = o->has_from ? (int64_t)llround(o->from * 1e9) : 0;
	rf.to_ns = o->has_to ? (int64_t)llround(o->to * 1e9) : -1;
	if (!rf.names || !rf.keys || !rf.kbuf || !rf.drop || !rf.pframes ||
	    !rf.lbuf ||
	    vec_reserve((void **)&rf.text, &rf.tcap, 4096, 1)) {
		err = -ENOMEM;
		goto out;
	}
	while ((rc = recreader_next(r, &rec)) > 0) {
		err = o->hook ? o->hook(&rec, o->hook_arg) : 0;
		if (!err)
			err = on_record(&rf, &rec, &st);
		if (err)
			goto out;
	}
	err = flush_pending(&rf, NULL, 0, &st);
	if (!err && o->mode == RECFOLD_WALL && !(rf.freq > 0 && rf.freq < 1e9))
		err = -FE_CORRUPT; /* no sampling frequency: no period */
	if (!err)
		err = emit(&rf);
	if (!err)
		err = rc;
out:
	st.lost = rf.lost_end > rf.lost_sum ? rf.lost_end : rf.lost_sum;
	st.complete = recreader_complete(r);
	if (stats)
		*stats = st;
	rf_free(&rf);
	return err;
}
