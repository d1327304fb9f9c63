/* The recorder's process and thread tables. */
#include "sessionP.h"
#include "../common/vec.h"
#include "../common/log.h"
#include "../unwind/buildid.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

uint64_t session_now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000ull + (uint64_t)t.tv_nsec;
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

static void free_proc(struct proc *p);

struct proc *session_proc(struct session *s, pid_t pid, int create)
{
	int64_t id;

	if (!create) {
		id = intern_find(s->pids, &pid, sizeof pid);
		return id < 0 ? NULL : s->procs[id];
	}
	id = intern_add(s->pids, &pid, sizeof pid, NULL);
	if (id < 0 || grow((void ***)&s->procs, &s->cap_procs, (size_t)id))
		return NULL;
	if (!s->procs[id]) {
		/* a process we learn about only from its samples */
		if (session_new_process(s, pid, 0, NULL))
			return NULL;
	}
	return s->procs[id];
}

struct thread *session_thread(struct session *s, pid_t pid, pid_t tid,
			      int create)
{
	int64_t id = create ? intern_add(s->tids, &tid, sizeof tid, NULL)
			    : intern_find(s->tids, &tid, sizeof tid);
	struct thread *t;

	if (id < 0)
		return NULL;
	if (grow((void ***)&s->threads, &s->cap_threads, (size_t)id))
		return NULL;
	t = s->threads[id];
	if (!t && create) {
		char path[64];
		FILE *f;

		t = calloc(1, sizeof *t);
		if (!t)
			return NULL;
		t->pid = pid;
		t->tid = tid;
		snprintf(path, sizeof path, "/proc/%d/task/%d/comm", (int)pid,
			 (int)tid);
		f = fopen(path, "re");
		if (f) {
			if (fgets(t->comm, sizeof t->comm, f))
				t->comm[strcspn(t->comm, "\n")] = '\0';
			fclose(f);
		}
		s->threads[id] = t;
		recwriter_thread(s->w, (uint32_t)pid, (uint32_t)tid, t->comm);
	} else if (t && create && t->pid != pid) {
		t->pid = pid; /* tid reused by another process */
	}
	return t;
}

static void read_comm(pid_t pid, char *buf, size_t len)
{
	char path[64];
	FILE *f;

	snprintf(path, sizeof path, "/proc/%d/comm", (int)pid);
	f = fopen(path, "re");
	if (f) {
		if (fgets(buf, (int)len, f))
			buf[strcspn(buf, "\n")] = '\0';
		fclose(f);
	}
}

struct map_ctx {
	struct session *s;
	pid_t pid;
};

/* MAP records (with build-ids) for the mappings found at attach time. */
static int write_map(void *ctx, uint64_t start, uint64_t end, uint64_t pgoff,
		     uint32_t prot, const char *path)
{
	struct map_ctx *c = ctx;
	char hex[2 * 64 + 1] = "";

	if (!(prot & PROT_EXEC))
		return 0;
	buildid_read(path, hex, sizeof hex);
	return recwriter_map(c->s->w, (uint32_t)c->pid, start, end, pgoff, hex,
			     path);
}

/* Creates (or replaces, for a reused pid) the entry of process pid.  With
 * a parent (fork) the mappings are copied; otherwise they are read from
 * /proc when the process is alive. */
int session_new_process(struct session *s, pid_t pid, pid_t ppid,
			const struct proc *parent)
{
	int64_t id = intern_add(s->pids, &pid, sizeof pid, NULL);
	struct proc *p;
	char path[64], exe[4096];
	ssize_t n;

	if (id < 0 || grow((void ***)&s->procs, &s->cap_procs, (size_t)id))
		return -ENOMEM;
	p = calloc(1, sizeof *p);
	if (!p)
		return -ENOMEM;
	p->pid = pid;
	p->ppid = ppid;
	p->asid = ++s->next_asid;
	if (parent) {
		p->as = addrspace_fork(parent->as, pid);
		memcpy(p->comm, parent->comm, sizeof p->comm);
	} else {
		struct map_ctx mc = { s, pid };

		p->as = addrspace_new(pid);
		if (p->as && addrspace_load_proc_maps(p->as, session_now_ns()) == 0)
			addrspace_foreach_map(p->as, write_map, &mc);
		read_comm(pid, p->comm, sizeof p->comm);
	}
	if (!p->as) {
		free(p);
		return -ENOMEM;
	}
	if (s->opt.unknown_offsets)
		addrspace_set_flags(p->as, ADDRSPACE_UNKNOWN_OFFSETS);
	if (s->procs[id])
		free_proc(s->procs[id]);
	s->procs[id] = p;
	snprintf(path, sizeof path, "/proc/%d/exe", (int)pid);
	n = readlink(path, exe, sizeof exe - 1);
	exe[n > 0 ? n : 0] = '\0';
	return recwriter_proc(s->w, (uint32_t)pid, (uint32_t)ppid, p->comm, exe);
}

static void free_proc(struct proc *p)
{
	session_interp_prepare(NULL, p); /* releases interpreter state */
	addrspace_free(p->as); /* after: the release detaches from it */
	free(p);
}

void session_free_tables(struct session *s)
{
	for (size_t i = 0; s->procs && i < intern_count(s->pids); i++)
		if (s->procs[i])
			free_proc(s->procs[i]);
	for (size_t i = 0; s->threads && i < intern_count(s->tids); i++)
		free(s->threads[i]);
	free(s->procs);
	free(s->threads);
	intern_free(s->pids);
	intern_free(s->tids);
}
