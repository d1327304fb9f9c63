/* The world: process and thread tables, kept as of the event at hand. */
#include "world.h"
#include "interp.h"
#include "procfs.h"
#include "../common/error.h"
#include "../common/intern.h"
#include "../common/log.h"
#include "../common/vec.h"
#include "../unwind/addrspace.h"
#include "../unwind/beam.h"
#include "../unwind/beamproc.h"
#include "../unwind/buildid.h"
#include "../unwind/perfmap.h"
#include "../unwind/python/python.h"
#include "../bpf/pybpf.h"

#include <errno.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#define JIT_RECHECK_NS 1000000000ull
#define JIT_REFRESH_NS 1000000000ull
/* How soon a missing perf map is looked for again while a BEAM boots or
 * samples run outside every file mapping (code a JIT may have named) */
#define JIT_RECHECK_SOON_NS 20000000ull
/* A BEAM launched with +JPperf map writes its map a little after its
 * first samples (boot): the advice waits until it is missing this long,
 * or until the end of the recording. */
#define JIT_ADVICE_NS 3000000000ull
#define MAPS_RELOAD_NS 200000000ull

struct wproc {
	struct world *w;
	pid_t pid, ppid;
	uint64_t key;           /* symbol cache key (wproc_cache_key) */
	char comm[64];
	char root[32];          /* "/proc/PID/root" or "" (procfs_root) */
	struct addrspace *as;
	struct pywalker *py;    /* NULL when not CPython */
	size_t py_checked;      /* nmaps + 1 at the last detection, 0 never */
	int py_failed;
	int py_settling;        /* its DWARF layout is being read (python_settle) */
	uint64_t pynames_at;    /* ns of the last read of its thread names */
	int pynames_off;        /* its thread names cannot be read */
	uint64_t py_bpf_since;  /* CLOCK_MONOTONIC ns when registered with
				 * the BPF program, 0: not registered */
	struct perfmap *jit;    /* /tmp/perf-PID.map, NULL when absent */
	uint64_t jit_checked;   /* ns of the last look for a perf map */
	uint64_t jit_refreshed; /* ns of the last re-read of it */
	uint64_t jit_missing;   /* ns of the first look that found none */
	struct beamproc *beam;  /* an Erlang VM read by BPF, or NULL */
	uint64_t beam_first;    /* ns of the first look at its layout */
	uint64_t beam_checked;  /* ns of the last look */
	int beam_failed;        /* its layout will not do: never again */
	uint64_t beam_bpf_since; /* CLOCK_MONOTONIC ns when registered with
				  * the BPF program, 0: not registered */
	int beam_pending;       /* a BEAM without a map, not told yet */
	int beam_warned;
	int exited;
	uint64_t maps_reloaded; /* ns of the last /proc/PID/maps re-read */
	struct wmap *mods;      /* executable file mappings, by start */
	size_t nmods, capmods;
	unsigned kind;          /* INTERP_* of its mappings ... */
	size_t kind_nmaps;      /* ... when it had this many (+1; 0: never) */
};

/* An executable file mapping and the module (file version) it maps. */
struct wmap {
	uint64_t start, end, pgoff;
	uint32_t mod;
};

struct wthread {
	pid_t pid, tid;
	char comm[32];
	int sampled;
	char *pyname;     /* the Python name announced (THREAD_PYTHON), or NULL */
	int pyname_tries; /* name reads since it was first sampled without one */
};

struct world {
	struct world_options opt;
	size_t py_detected;  /* CPython processes found */
	size_t py_settling;  /* of them, with a DWARF read still running */
	struct sink sink;
	/* pid -> proc, tid -> thread: intern ids index the arrays */
	struct intern *pids, *tids;
	struct intern *warned;  /* paths said to be untrusted */
	struct intern *modules; /* "B<build-id>" or "P<root><path>" -> id */
	struct buildid_cache *bids; /* build-ids of files, by path */
	char **modfiles;        /* module id -> root + path where first seen */
	size_t cap_modfiles;
	struct wproc **procs;
	struct wthread **threads;
	size_t cap_procs, cap_threads;
	uint64_t next_key;
	uint64_t threads_sampled;
};

static uint64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
}

struct world *world_new(const struct world_options *o, struct sink sink)
{
	struct world *w = calloc(1, sizeof *w);

	if (!w)
		return NULL;
	w->opt = *o;
	w->sink = sink;
	w->pids = intern_new();
	w->tids = intern_new();
	w->warned = intern_new();
	w->modules = intern_new();
	w->bids = buildid_cache_new();
	if (!w->pids || !w->tids || !w->warned || !w->modules || !w->bids) {
		world_free(w);
		return NULL;
	}
	return w;
}

static void python_settle(struct world *w, struct wproc *p, int wait);

/* Releases the interpreter walkers (on exec and when freeing). */
static void release_interp(struct wproc *p)
{
	python_settle(p->w, p, 1); /* its note, before the program forgets it */
	if ((p->py_bpf_since || p->beam_bpf_since) && p->w->opt.bpf)
		pybpf_remove(p->w->opt.bpf, (uint32_t)p->pid);
	p->py_bpf_since = 0;
	p->beam_bpf_since = 0;
	beamproc_free(p->beam);
	p->beam = NULL;
	p->beam_checked = 0;
	p->beam_failed = 0;
	pywalker_free(p->py);
	p->py = NULL;
	p->py_checked = 0;
	p->py_failed = 0;
	p->pynames_at = 0;
	p->pynames_off = 0;
	if (p->as)
		addrspace_set_jit(p->as, NULL, NULL);
	perfmap_free(p->jit);
	p->jit = NULL;
	p->jit_checked = 0;
	p->jit_missing = 0;
	p->beam_pending = 0;
}

/* The advice for a BEAM without a perf map, or why its map is refused. */
static void beam_warn(struct wproc *p, int err, const char *why)
{
	char advice[512];

	p->beam_warned = 1;
	p->beam_pending = 0;
	if (err == -EPERM) {
		fl_warn("record", "pid %d: perf map not trusted: %s", (int)p->pid,
			why ? why : "wrong owner");
		return;
	}
	beam_advice(advice, sizeof advice);
	fl_warn("record", "pid %d: %s", (int)p->pid, advice);
}

static void free_proc(struct wproc *p)
{
	free(p->mods);
	release_interp(p);
	addrspace_free(p->as); /* after: the release detaches from it */
	free(p);
}

void world_free(struct world *w)
{
	if (!w)
		return;
	for (size_t i = 0; w->procs && i < intern_count(w->pids); i++)
		if (w->procs[i])
			free_proc(w->procs[i]);
	for (size_t i = 0; w->threads && i < intern_count(w->tids); i++) {
		if (w->threads[i])
			free(w->threads[i]->pyname);
		free(w->threads[i]);
	}
	free(w->procs);
	free(w->threads);
	intern_free(w->pids);
	intern_free(w->tids);
	intern_free(w->warned);
	for (size_t i = 0; w->modfiles && i < intern_count(w->modules); i++)
		free(w->modfiles[i]);
	free(w->modfiles);
	intern_free(w->modules);
	buildid_cache_free(w->bids);
	free(w);
}

/* Makes index valid in a pointer array; new slots are NULL. */
static int grow(void ***arr, size_t *cap, size_t index)
{
	size_t old = *cap;
	int err = vec_reserve((void **)arr, cap, index + 1, sizeof **arr);

	if (!err)
		memset(*arr + old, 0, (*cap - old) * sizeof **arr);
	return err;
}

struct wproc *world_proc(const struct world *w, pid_t pid)
{
	int64_t id = intern_find(w->pids, &pid, sizeof pid);

	return id < 0 ? NULL : w->procs[id];
}

static struct wthread *find_thread(const struct world *w, pid_t tid)
{
	int64_t id = intern_find(w->tids, &tid, sizeof tid);

	return id < 0 ? NULL : w->threads[id];
}

bool world_has_thread(const struct world *w, pid_t tid)
{
	return find_thread(w, tid) != NULL;
}

const char *world_thread_comm(const struct world *w, pid_t tid)
{
	struct wthread *t = find_thread(w, tid);

	return t ? t->comm : NULL;
}

/* ---- processes ---- */

/* ---- modules: the files a process maps, shared by build-id ---- */

/* Forgets the module mappings overlapping [start, end). */
static void punch_mods(struct wproc *p, uint64_t start, uint64_t end)
{
	size_t kept = 0;

	for (size_t i = 0; i < p->nmods; i++)
		if (p->mods[i].end <= start || p->mods[i].start >= end)
			p->mods[kept++] = p->mods[i];
	p->nmods = kept;
}

/* Records that [start, end) maps the file version identified by build-id
 * hex; a file without one is not shared (named per process). */
static int add_mod(struct wproc *p, uint64_t start, uint64_t end,
		   uint64_t pgoff, const char *hex, const char *path)
{
	char key[4096 + 64];
	int64_t id;
	size_t i;
	int added;

	punch_mods(p, start, end);
	/* only files known by build-id are shared: "//anon" (JIT code),
	 * memfds and deleted files have none, and their offsets mean
	 * nothing across mappings */
	if (!hex || !hex[0])
		return 0;
	snprintf(key, sizeof key, "B%s", hex);
	id = intern_add(p->w->modules, key, strlen(key), &added);
	if (id < 0 || vec_reserve((void **)&p->mods, &p->capmods, p->nmods + 1,
				  sizeof *p->mods))
		return -ENOMEM;
	if (added) {
		/* where to find the file again after sampling (srclines.h) */
		if (vec_reserve((void **)&p->w->modfiles, &p->w->cap_modfiles,
				(size_t)id + 1, sizeof *p->w->modfiles))
			return -ENOMEM;
		snprintf(key, sizeof key, "%s%s", p->root, path);
		p->w->modfiles[id] = strdup(key);
		if (!p->w->modfiles[id])
			return -ENOMEM;
	}
	for (i = p->nmods; i > 0 && p->mods[i - 1].start > start; i--)
		p->mods[i] = p->mods[i - 1];
	p->mods[i] = (struct wmap){ start, end, pgoff, (uint32_t)id };
	p->nmods++;
	return 0;
}

int wproc_module_at(const struct wproc *p, uint64_t addr, uint32_t *module,
		    uint64_t *offset)
{
	size_t lo = 0, hi = p->nmods;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct wmap *m = &p->mods[mid];

		if (addr < m->start)
			hi = mid;
		else if (addr >= m->end)
			lo = mid + 1;
		else {
			*module = m->mod;
			*offset = addr - m->start + m->pgoff;
			return 0;
		}
	}
	return -ENOENT;
}

int world_module_file(const struct world *w, uint32_t module,
		      const char **path, const char **build_id)
{
	size_t len;
	const char *key = intern_get(w->modules, module, &len);

	if (!key || key[0] != 'B' || !w->modfiles || !w->modfiles[module])
		return -ENOENT;
	*build_id = key + 1;
	*path = w->modfiles[module];
	return 0;
}

/* MAP records (with build-ids) for the mappings found in /proc. */
static int announce_map(void *ctx, uint64_t start, uint64_t end,
			uint64_t pgoff, uint32_t prot, const char *path)
{
	struct wproc *p = ctx;
	char hex[2 * 64 + 1] = "", file[4096];

	if (!(prot & PROT_EXEC))
		return 0;
	snprintf(file, sizeof file, "%s%s", p->root, path);
	buildid_read_cached(p->w->bids, file, hex, sizeof hex);
	if (path[0] == '/' && add_mod(p, start, end, pgoff, hex, path))
		return -ENOMEM;
	return p->w->sink.ops->map(p->w->sink.ctx, (uint32_t)p->pid, start, end,
				   pgoff, hex, path);
}

/* Creates (or replaces, for a reused pid) the entry of process pid and
 * announces it.  With a parent (fork) mappings and name are the parent's
 * at that time; otherwise they are read from /proc when the process is
 * alive. */
static int new_process(struct world *w, pid_t pid, pid_t ppid,
		       const struct wproc *parent, struct wproc **out)
{
	int64_t id = intern_add(w->pids, &pid, sizeof pid, NULL);
	char exe[4096] = "";
	struct wproc *p;
	int err;

	if (id < 0 || grow((void ***)&w->procs, &w->cap_procs, (size_t)id))
		return -ENOMEM;
	p = calloc(1, sizeof *p);
	if (!p)
		return -ENOMEM;
	p->w = w;
	p->pid = pid;
	p->ppid = ppid;
	p->key = ++w->next_key;
	if (parent) {
		p->as = addrspace_fork(parent->as, pid);
		memcpy(p->comm, parent->comm, sizeof p->comm);
		if (parent->nmods) {
			p->mods = malloc(parent->nmods * sizeof *p->mods);
			if (!p->mods) {
				addrspace_free(p->as);
				free(p);
				return -ENOMEM;
			}
			memcpy(p->mods, parent->mods, parent->nmods * sizeof *p->mods);
			p->nmods = p->capmods = parent->nmods;
		}
		/* the parent's files, seen through the child's /proc entry */
		if (parent->root[0])
			snprintf(p->root, sizeof p->root, "/proc/%d/root", (int)pid);
	} else {
		p->as = addrspace_new(pid);
		if (p->as && !w->opt.no_proc) {
			procfs_comm(pid, pid, p->comm, sizeof p->comm);
			procfs_exe(pid, exe, sizeof exe);
			procfs_root(pid, p->root, sizeof p->root);
		}
		/* the idle task (record -a) has no /proc entry; perf's name */
		if (pid == 0)
			snprintf(p->comm, sizeof p->comm, "swapper");
	}
	if (!p->as || addrspace_set_root(p->as, p->root[0] ? p->root : NULL)) {
		addrspace_free(p->as);
		free(p);
		return -ENOMEM;
	}
	if (w->opt.unknown_offsets)
		addrspace_set_flags(p->as, ADDRSPACE_UNKNOWN_OFFSETS);
	if (w->procs[id])
		free_proc(w->procs[id]);
	w->procs[id] = p;
	if (out)
		*out = p;
	err = w->sink.ops->proc(w->sink.ctx, (uint32_t)pid, (uint32_t)ppid,
				p->comm, exe);
	if (!err && !parent && !w->opt.no_proc &&
	    addrspace_load_proc_maps(p->as, now_ns()) == 0)
		err = addrspace_foreach_map(p->as, announce_map, p);
	return err;
}

int world_add_process(struct world *w, pid_t pid, pid_t ppid)
{
	return new_process(w, pid, ppid, NULL, NULL);
}

/* The process pid, learned from /proc when first seen. */
static int learn_process(struct world *w, pid_t pid, struct wproc **out)
{
	*out = world_proc(w, pid);
	return *out ? 0 : new_process(w, pid, 0, NULL, out);
}

/* ---- threads ---- */

/* Creates thread tid with name comm (NULL: read it from /proc) and
 * announces it. */
static int new_thread(struct world *w, pid_t pid, pid_t tid, const char *comm,
		      struct wthread **out)
{
	int64_t id = intern_add(w->tids, &tid, sizeof tid, NULL);
	struct wthread *t;

	if (id < 0 || grow((void ***)&w->threads, &w->cap_threads, (size_t)id))
		return -ENOMEM;
	t = w->threads[id];
	if (!t) {
		t = calloc(1, sizeof *t);
		if (!t)
			return -ENOMEM;
		w->threads[id] = t;
	}
	if (t->pid != pid || t->tid != tid) { /* a tid reused */
		free(t->pyname);
		t->pyname = NULL;
		t->pyname_tries = 0;
	}
	t->pid = pid;
	t->tid = tid;
	t->comm[0] = '\0';
	if (comm)
		snprintf(t->comm, sizeof t->comm, "%s", comm);
	else if (!w->opt.no_proc)
		procfs_comm(pid, tid, t->comm, sizeof t->comm);
	if (!t->comm[0] && tid == 0)
		snprintf(t->comm, sizeof t->comm, "swapper");
	if (out)
		*out = t;
	return w->sink.ops->thread(w->sink.ctx, (uint32_t)pid, (uint32_t)tid,
				   t->comm);
}

int world_add_thread(struct world *w, pid_t pid, pid_t tid)
{
	return new_thread(w, pid, tid, NULL, NULL);
}

/* A thread's Python name no longer holds (exec): an empty THREAD_PYTHON
 * says so. */
static int clear_pyname(struct world *w, struct wthread *t)
{
	if (!t || !t->pyname)
		return 0;
	free(t->pyname);
	t->pyname = NULL;
	t->pyname_tries = 0;
	return w->sink.ops->thread_python ?
		       w->sink.ops->thread_python(w->sink.ctx, (uint32_t)t->pid,
						  (uint32_t)t->tid, "") : 0;
}

/* ---- events ---- */

/* Whether [addr, addr+len) may change what known code addresses mean. */
static int changes_code(const struct wproc *p, const struct ev_mmap *m)
{
	return (m->prot & PROT_EXEC) || addrspace_covers(p->as, m->addr) ||
	       addrspace_covers(p->as, m->addr + m->len - 1);
}

/* ADDRSPACE_PROT_UNTRUSTED when the file at the mapping's path (in the
 * target's root) is not the one the kernel mapped: its build-id differs
 * from the one the MMAP2 record carries (a file replaced since, another
 * file bind-mounted there).  Said once per path. */
static uint32_t untrusted(struct world *w, struct wproc *p,
			  const struct ev_mmap *m)
{
	char want[2 * 20 + 1], have[2 * 64 + 1], file[4096];
	int added = 0;

	if (w->opt.no_proc || !(m->prot & PROT_EXEC) || m->path[0] != '/' ||
	    !m->build_id_len)
		return 0;
	snprintf(file, sizeof file, "%s%s", p->root, m->path);
	buildid_hex(m->build_id, m->build_id_len, want, sizeof want);
	if (buildid_read_cached(w->bids, file, have, sizeof have) != 0 ||
	    !strcmp(want, have))
		return 0;
	if (intern_add(w->warned, m->path, strlen(m->path), &added) >= 0 &&
	    added)
		fl_warn(m->path, "pid %d maps a file with build-id %s, but this "
			"path holds build-id %s: its code is shown as [%s]",
			(int)p->pid, want, have, strrchr(m->path, '/') + 1);
	return ADDRSPACE_PROT_UNTRUSTED;
}

static int apply_mmap(struct world *w, const struct event *ev)
{
	const struct ev_mmap *m = &ev->u.mmap;
	struct wproc *p;
	uint32_t bad;
	int err = learn_process(w, (pid_t)ev->pid, &p);

	if (err)
		return err;
	if (m->len && changes_code(p, m))
		p->key = ++w->next_key;
	bad = untrusted(w, p, m);
	if (addrspace_add_map(p->as, ev->time, m->addr, m->len, m->pgoff,
			      m->prot | bad, m->path))
		return -ENOMEM;
	punch_mods(p, m->addr, m->addr + m->len);
	if ((m->prot & PROT_EXEC) && m->path[0] == '/') {
		char hex[2 * 20 + 1] = "";

		if (m->build_id_len)
			buildid_hex(m->build_id, m->build_id_len, hex, sizeof hex);
		/* an untrusted file is named per process, never shared */
		if (!bad && m->len &&
		    add_mod(p, m->addr, m->addr + m->len, m->pgoff, hex, m->path))
			return -ENOMEM;
		return w->sink.ops->map(w->sink.ctx, ev->pid, m->addr,
					m->addr + m->len, m->pgoff, hex, m->path);
	}
	return 0;
}

static int apply_comm(struct world *w, const struct event *ev)
{
	const char *comm = ev->u.comm.comm;
	struct wproc *p = NULL;
	int err;

	if (ev->u.comm.exec) {
		err = clear_pyname(w, find_thread(w, (pid_t)ev->tid));
		if (err)
			return err;
		/* exec: a new address space; its mappings follow as MMAP2 */
		err = learn_process(w, (pid_t)ev->pid, &p);
		if (err)
			return err;
		addrspace_exec(p->as, ev->time);
		p->nmods = 0;
		p->key = ++w->next_key;
		/* unshare -m, chroot: an exec may enter another view */
		if (!w->opt.no_proc)
			procfs_root(p->pid, p->root, sizeof p->root);
		if (addrspace_set_root(p->as, p->root[0] ? p->root : NULL))
			return -ENOMEM;
		release_interp(p);
		p->kind_nmaps = 0;
		p->exited = 0;
		snprintf(p->comm, sizeof p->comm, "%s", comm);
		err = w->sink.ops->proc(w->sink.ctx, ev->pid, (uint32_t)p->ppid,
					comm, "");
		if (err)
			return err;
	}
	if (ev->pid == ev->tid && (p || (p = world_proc(w, (pid_t)ev->pid))))
		snprintf(p->comm, sizeof p->comm, "%s", comm);
	return new_thread(w, (pid_t)ev->pid, (pid_t)ev->tid, comm, NULL);
}

static int apply_fork(struct world *w, const struct event *ev)
{
	struct wthread *pt = find_thread(w, (pid_t)ev->u.task.ptid);
	struct wproc *parent = world_proc(w, (pid_t)ev->u.task.ppid);
	const char *comm = pt ? pt->comm : NULL;
	int err;

	if (ev->pid != ev->u.task.ppid) {
		/* a new process: the parent's mappings and name as of now */
		err = new_process(w, (pid_t)ev->pid, (pid_t)ev->u.task.ppid,
				  parent, NULL);
		if (err)
			return err;
		if (!parent)
			comm = NULL;
	}
	if (!comm && parent)
		comm = parent->comm;
	return new_thread(w, (pid_t)ev->pid, (pid_t)ev->tid, comm, NULL);
}

int world_apply(struct world *w, const struct event *ev)
{
	struct wproc *p;

	switch (ev->kind) {
	case EV_MMAP:
		return apply_mmap(w, ev);
	case EV_COMM:
		return apply_comm(w, ev);
	case EV_FORK:
		return apply_fork(w, ev);
	case EV_EXIT:
		/* a whole process: its pid may be reused later */
		if (ev->pid == ev->tid && (p = world_proc(w, (pid_t)ev->pid))) {
			/* in time order nothing of it comes later (a pid
			 * reused comes with its FORK): its ELF and DWARF data
			 * can go, so many short-lived processes do not add
			 * up (rebuilt on demand should a sample still come) */
			p->exited = 1;
			if ((p->py_bpf_since || p->beam_bpf_since) && w->opt.bpf)
				pybpf_remove(w->opt.bpf, (uint32_t)p->pid);
			p->py_bpf_since = 0;
			p->beam_bpf_since = 0;
			addrspace_release_modules(p->as);
		}
		return 0;
	default:
		return 0;
	}
}

/* ---- interpreters ---- */

static int kind_of_map(void *ctx, uint64_t start, uint64_t end, uint64_t pgoff,
		       uint32_t prot, const char *path)
{
	*(unsigned *)ctx |= interp_kind_of_path(path);
	return 0;
}

static unsigned interp_kind(struct wproc *p)
{
	size_t n = addrspace_nmaps(p->as) + 1;

	if (p->kind_nmaps != n) {
		p->kind = 0;
		addrspace_foreach_map(p->as, kind_of_map, &p->kind);
		p->kind_nmaps = n;
	}
	return p->kind;
}

/* The perf map's lines changed: what JIT addresses mean may have too. */
static void jit_refresh(struct wproc *p)
{
	size_t before = perfmap_count(p->jit);

	perfmap_refresh(p->jit);
	if (perfmap_count(p->jit) != before)
		p->key = ++p->w->next_key;
}

static int jit_lookup(void *ctx, uint64_t addr, const char **name,
		      enum frame_kind *kind)
{
	struct wproc *p = ctx;

	if (!p->jit)
		return -FE_NO_SYMBOL;
	if (perfmap_lookup(p->jit, addr, name, kind) == 0)
		return 0;
	/* the map grows as code is loaded: read what was appended, retry
	 * (not for the addresses of file mappings, asked about for every
	 * native frame since the perf map decides first) */
	if (addrspace_covers(p->as, addr))
		return -FE_NO_SYMBOL;
	jit_refresh(p);
	if (perfmap_lookup(p->jit, addr, name, kind) == 0)
		return 0;
	return -FE_NO_SYMBOL;
}

/* Hands the process's layout to the BPF program: from now on its samples
 * come with the frames read at the sample. */
static void register_bpf(struct world *w, struct wproc *p)
{
	struct pybpf_proc c;

	if (!w->opt.bpf)
		return;
	pywalker_bpf_proc(p->py, &c);
	if (pybpf_add(w->opt.bpf, (uint32_t)p->pid, &c) == 0)
		p->py_bpf_since = now_ns();
}

/* The note on a CPython process found: its version, where its layout
 * came from. */
static void say_python(const struct wproc *p)
{
	fl_note("record", "pid %d: CPython %s, layout from %s", (int)p->pid,
		pywalker_version(p->py), pywalker_layout_source(p->py));
}

/* The DWARF check detect_python started, once its thread has read the
 * file (or, with wait, after waiting for it): a DWARF layout that differs
 * replaces the built-in one (and the program's offsets); then the note
 * names where the layout came from. */
static void python_settle(struct world *w, struct wproc *p, int wait)
{
	struct pywalker *full = NULL;
	int r;

	if (!p->py_settling)
		return;
	r = pywalker_check_dwarf_poll(p->py, wait);
	if (r == -EAGAIN)
		return;
	p->py_settling = 0;
	w->py_settling--;
	if (r == 1 && pywalker_new(p->pid, &full) == 0) {
		pywalker_free(p->py);
		p->py = full;
		register_bpf(w, p);
	}
	say_python(p);
}

/* Every process whose DWARF read has ended, not only the sampled one: a
 * process asleep (a parent in wait()) takes its layout, and says its note,
 * when the read is done, not when it next runs or exits. */
static void settle_all(struct world *w)
{
	for (size_t i = 0; w->py_settling && i < intern_count(w->pids); i++)
		if (w->procs[i])
			python_settle(w, w->procs[i], 0);
}

static void detect_python(struct world *w, struct wproc *p, unsigned kind)
{
	size_t nmaps = addrspace_nmaps(p->as);
	int err;

	/* retry while libraries are still being mapped (ld.so, dlopen) */
	if (p->py || p->py_failed || !w->opt.python || p->py_checked == nmaps + 1 ||
	    !(kind & INTERP_PYTHON))
		return;
	p->py_checked = nmaps + 1;
	/* With BPF: the program reads the process from its next sample on,
	 * with the built-in layout, while its DWARF is read on a thread
	 * (~100 ms for Debian's compressed -dbg file, whose samples had no
	 * Python frames before, and whose read in this loop lost 88-117
	 * samples at 999 Hz); python_settle takes the result. */
	err = w->opt.bpf ? pywalker_new_flags(p->pid, PYWALKER_NO_DWARF, &p->py)
			 : -FE_NO_DEBUGINFO;
	if (err == 0) {
		register_bpf(w, p);
		if (pywalker_check_dwarf_start(p->py) == 0) {
			p->py_settling = 1;
			w->py_settling++;
			w->py_detected++;
			return; /* the note when settled */
		}
	} else if (err != -ENOMEM && err != -ESRCH) {
		err = pywalker_new(p->pid, &p->py);
		if (err == 0)
			register_bpf(w, p);
	}
	if (err == 0) {
		say_python(p);
		w->py_detected++;
	} else if (err != -FE_UNSUPPORTED && err != -FE_NO_TARGET &&
		   err != -ESRCH && err != -ENOENT) {
		p->py_failed = 1; /* don't retry a real failure */
		fl_warn("record", "pid %d looks like CPython but its frames "
			"cannot be read: %s", (int)p->pid, flamer_strerror(err));
	}
}

/* An Erlang VM: its layout checked, it is handed to the BPF program, which
 * from then on reads its Erlang process and frames at each sample.  A VM
 * still booting (no schedulers yet) is looked at again every
 * BEAM_RECHECK_NS, for BEAM_BOOT_NS; a build or layout that will not do
 * is said once and left to the late live reads. */
#define BEAM_RECHECK_NS 50000000ull
#define BEAM_BOOT_NS 10000000000ull

/* Whether process p started less than BEAM_YOUNG_NS ago: a VM that young
 * may still be filling its scheduler data. */
#define BEAM_YOUNG_NS 2000000000ull

static int vm_young(const struct wproc *p)
{
	struct timespec t;
	uint64_t start = procfs_start_ns(p->pid), now;

	clock_gettime(CLOCK_REALTIME, &t);
	now = (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
	return start && now > start && now - start < BEAM_YOUNG_NS;
}

static void detect_beam(struct world *w, struct wproc *p, unsigned kind,
			uint64_t now)
{
	struct beambpf_proc c;
	const char *why = "";
	int err;

	if (p->beam || p->beam_failed || !w->opt.bpf || !(kind & INTERP_BEAM) ||
	    (p->beam_checked && now - p->beam_checked < BEAM_RECHECK_NS))
		return;
	if (!p->beam_checked)
		p->beam_first = now;
	p->beam_checked = now;
	err = beamproc_new(p->pid, &p->beam, &why);
	/* a launched VM is looked at while it boots: beam.smp is mapped
	 * after an exec or two, its schedulers, their data and its frame
	 * layout word come a little later */
	if ((err == -ENOENT || err == -EAGAIN || err == -EOPNOTSUPP) &&
	    now - p->beam_first < BEAM_BOOT_NS)
		return;
	if (err == -FE_UNSUPPORTED && vm_young(p))
		return;
	if (err == -ENOENT || err == -ESRCH || err == -EOPNOTSUPP) {
		/* not a VM (a program it started), gone, or no +JPperf map
		 * (its advice says it) */
		p->beam_failed = 1;
		return;
	}
	if (err) {
		p->beam_failed = 1;
		fl_note("record", "pid %d: Erlang frames are read late, from "
			"the live process (those the sample does not "
			"confirm are left out, as [erlang?]): %s%s%s",
			(int)p->pid, flamer_strerror(err), *why ? ": " : "", why);
		return;
	}
	beamproc_bpf(p->beam, &c);
	err = pybpf_add_beam(w->opt.bpf, (uint32_t)p->pid, &c);
	if (err) {
		p->beam_failed = 1;
		beamproc_free(p->beam);
		p->beam = NULL;
		return;
	}
	p->beam_bpf_since = now_ns();
	fl_note("record", "pid %d: Erlang VM (OTP %s): Erlang frames and "
		"processes read at the sample (BPF)", (int)p->pid,
		beamproc_release(p->beam));
}

/* A process forked by an Erlang VM (erl_child_setup before its exec, a
 * port program's fork) maps the BEAM but runs no Erlang code: the map is
 * its parent's business, not its own. */
static int forked_from_vm(const struct wproc *p)
{
	const struct wproc *pp = p->ppid > 0 && p->ppid != p->pid
					 ? world_proc(p->w, p->ppid) : NULL;

	return pp && (pp->jit || pp->beam_pending || pp->beam_warned);
}

static void detect_jit(struct wproc *p, unsigned kind, int outside_files,
		       uint64_t now)
{
	const char *why = NULL;
	int err;

	if (p->jit) {
		if (now - p->jit_refreshed >= JIT_REFRESH_NS) {
			p->jit_refreshed = now;
			jit_refresh(p);
		}
		return;
	}
	/* a BEAM writes its map while it boots, a JIT just before it runs
	 * what it names: look often until the map is there while a BEAM
	 * boots or samples run in no file mapping, or those samples go
	 * unnamed for a second (a launched JIT whose first samples, taken
	 * before it wrote its map, were handled at once) */
	if (p->jit_checked && now - p->jit_checked <
		((kind & INTERP_BEAM) || outside_files ? JIT_RECHECK_SOON_NS
							: JIT_RECHECK_NS))
		return;
	p->jit_checked = now;
	err = perfmap_open_why(p->pid, procfs_owner(p->pid),
			       procfs_start_ns(p->pid), &p->jit, &why);
	if (err == 0) {
		p->jit_refreshed = now;
		p->key = ++p->w->next_key;
		p->beam_pending = 0;
		addrspace_set_jit(p->as, jit_lookup, p);
		return;
	}
	if (!p->jit_missing)
		p->jit_missing = now;
	/* only a process that maps the BEAM is an Erlang VM; an untrusted
	 * map is said at once, a missing one after a while (or at the end:
	 * world_warn_missing_jit), as a launched VM writes it after boot */
	p->beam_pending = !p->beam_warned && (kind & INTERP_BEAM) &&
			  !forked_from_vm(p);
	if (p->beam_pending &&
	    (err == -EPERM || now - p->jit_missing >= JIT_ADVICE_NS))
		beam_warn(p, err, why);
}

void world_warn_missing_jit(struct world *w)
{
	for (size_t i = 0; w->procs && i < intern_count(w->pids); i++) {
		struct wproc *p = w->procs[i];

		if (p && p->beam_pending && !p->jit && !forked_from_vm(p))
			beam_warn(p, -ENOENT, NULL);
	}
}

/* ---- Python thread names ---- */

/* The names of a CPython process's threads (threading.Thread.name) are
 * read with its walker at most once a second, when one of its threads is
 * sampled; a thread sampled without a name yet gets a few reads sooner
 * (it may have just started).  A name that changed is announced
 * (THREAD_PYTHON, latest wins); one that cannot be read leaves the OS
 * name (docs/python.md, "Thread names"). */
#define PYNAMES_RECHECK_NS 1000000000ull
#define PYNAMES_SOON_NS 20000000ull
#define PYNAMES_SOON_TRIES 5

static int python_names(struct world *w, struct wproc *p, struct wthread *t,
			uint64_t now)
{
	const struct pywalker_thread *names;
	size_t n;
	uint64_t wait = !t->pyname && t->pyname_tries < PYNAMES_SOON_TRIES ?
				PYNAMES_SOON_NS : PYNAMES_RECHECK_NS;
	int err;

	if (!p->py || p->pynames_off ||
	    (p->pynames_at && now - p->pynames_at < wait))
		return 0;
	p->pynames_at = now;
	if (!t->pyname)
		t->pyname_tries++;
	err = pywalker_thread_names(p->py, &names, &n);
	if (err == -FE_UNSUPPORTED)
		p->pynames_off = 1;
	if (err)
		return err == -ENOMEM ? err : 0;
	for (size_t i = 0; i < n; i++) {
		struct wthread *nt = find_thread(w, names[i].tid);
		char *c;

		if (!nt || nt->pid != p->pid ||
		    (nt->pyname && !strcmp(nt->pyname, names[i].name)))
			continue;
		c = strdup(names[i].name);
		if (!c)
			return -ENOMEM;
		free(nt->pyname);
		nt->pyname = c;
		if (!w->sink.ops->thread_python)
			continue;
		err = w->sink.ops->thread_python(w->sink.ctx, (uint32_t)p->pid,
						 (uint32_t)nt->tid, c);
		if (err)
			return err;
	}
	return 0;
}

/* ---- samples ---- */

/* The sampled user pc, or 0. */
static uint64_t user_pc(const struct ev_sample *s)
{
	uint64_t ctx = 0;

	if (s->abi)
		return s->regs[16];
	for (uint64_t i = 0; i < s->nr; i++) {
		uint64_t a = event_chain_at(s, i);

		if (a >= (uint64_t)PERF_CONTEXT_MAX)
			ctx = a;
		else if (ctx == (uint64_t)PERF_CONTEXT_USER)
			return a;
	}
	return 0;
}

/* Module entries for executable mappings found by a re-read of the maps
 * that the module table does not have yet; counts them in *ctx's added. */
struct resync {
	struct wproc *p;
	int added;
};

static int resync_mod(void *ctx, uint64_t start, uint64_t end, uint64_t pgoff,
		      uint32_t prot, const char *path)
{
	struct resync *r = ctx;
	char hex[2 * 64 + 1] = "", file[4096];
	uint32_t mod;
	uint64_t off;

	if (!(prot & PROT_EXEC) || path[0] != '/' ||
	    (prot & ADDRSPACE_PROT_UNTRUSTED))
		return 0;
	if (wproc_module_at(r->p, start, &mod, &off) == 0 && off == pgoff &&
	    wproc_module_at(r->p, end - 1, &mod, &off) == 0)
		return 0; /* known already */
	snprintf(file, sizeof file, "%s%s", r->p->root, path);
	buildid_read_cached(r->p->w->bids, file, hex, sizeof hex);
	r->added++;
	return add_mod(r->p, start, end, pgoff, hex, path);
}

/* A pc in no known mapping (outside_files) means an MMAP2 record was lost
 * (ring overflow while the recorder was busy, e.g. loading a big debug
 * file): re-read /proc/PID/maps, at most every 200 ms, unless the pc is
 * JIT code. */
static void heal_maps(struct wproc *p, uint64_t pc, int outside_files,
		      uint64_t now)
{
	struct resync r = { p, 0 };
	size_t before;
	const char *name;
	enum frame_kind kind;

	if (!outside_files || p->exited)
		return;
	if (p->jit && perfmap_lookup(p->jit, pc, &name, &kind) == 0)
		return;
	if (now - p->maps_reloaded < MAPS_RELOAD_NS)
		return;
	p->maps_reloaded = now;
	before = addrspace_nmaps(p->as);
	if (addrspace_load_proc_maps(p->as, now) == 0)
		addrspace_foreach_map(p->as, resync_mod, &r);
	/* new mappings: known addresses may mean something else now */
	if (r.added || addrspace_nmaps(p->as) != before)
		p->key = ++p->w->next_key;
}

int world_prepare_sample(struct world *w, const struct event *ev,
			 struct wproc **out)
{
	struct wthread *t;
	struct wproc *p;
	int err = learn_process(w, (pid_t)ev->pid, &p);

	if (err)
		return err;
	t = find_thread(w, (pid_t)ev->tid);
	if (!t || t->pid != (pid_t)ev->pid) {
		/* a thread first seen in a sample, or a tid reused */
		err = new_thread(w, (pid_t)ev->pid, (pid_t)ev->tid, NULL, &t);
		if (err)
			return err;
	}
	if (!t->sampled) {
		t->sampled = 1;
		w->threads_sampled++;
	}
	if (!p->exited && !w->opt.no_proc) {
		uint64_t now = now_ns(), pc = user_pc(&ev->u.sample);
		unsigned kind = interp_kind(p);
		/* the sampled pc in no file mapping: JIT code, or a mapping
		 * whose record was lost */
		int outside = pc && !addrspace_covers(p->as, pc);

		settle_all(w);
		detect_python(w, p, kind);
		err = python_names(w, p, t, now);
		if (err)
			return err;
		detect_jit(p, kind, outside, now);
		detect_beam(w, p, kind, now);
		heal_maps(p, pc, outside, now);
	}
	*out = p;
	return 0;
}

/* ---- accessors ---- */

struct addrspace *wproc_addrspace(const struct wproc *p)
{
	return p->as;
}

struct pywalker *wproc_python(const struct wproc *p)
{
	return p->py;
}

size_t world_python_count(const struct world *w)
{
	return w->py_detected;
}

void world_drop_bpf(struct world *w)
{
	w->opt.bpf = NULL;
}

uint64_t wproc_python_bpf_since(const struct wproc *p)
{
	return p->py_bpf_since;
}

uint64_t wproc_beam_bpf_since(const struct wproc *p)
{
	return p->beam_bpf_since;
}

struct beamproc *wproc_beam(const struct wproc *p)
{
	return p->beam;
}

bool wproc_is_beam(const struct wproc *p)
{
	return (p->kind & INTERP_BEAM) != 0;
}

bool wproc_has_jit(const struct wproc *p)
{
	return p->jit != NULL;
}

uint64_t wproc_cache_key(const struct wproc *p)
{
	return p->key;
}

const char *wproc_comm(const struct wproc *p)
{
	return p->comm;
}

uint64_t world_threads_sampled(const struct world *w)
{
	return w->threads_sampled;
}

void world_warn_bad_maps(const struct world *w)
{
	char path[64];

	for (size_t i = 0; w->procs && i < intern_count(w->pids); i++) {
		struct wproc *p = w->procs[i];
		size_t bad;

		if (!p || !p->jit || !(bad = perfmap_bad_lines(p->jit)))
			continue;
		perfmap_path(p->pid, path, sizeof path);
		fl_warn(path, "%zu malformed lines skipped", bad);
	}
}
