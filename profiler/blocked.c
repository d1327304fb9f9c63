/* blocked.c - threads blocked at attach (blocked.h). */
#include "blocked.h"

#include "procfs.h"
#include "../dump/dump.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define KMAX 64

struct bthread {
	pid_t tid;
	uint64_t switches;   /* voluntary + involuntary, at the read */
	uint32_t *ids, n, flags;
};

struct blocked {
	pid_t pid;
	struct world *w;
	struct stacks *st;
	struct frames *f;
	struct dump_maps maps;
	struct bthread *t;
	size_t n, cap;
};

/* voluntary + nonvoluntary context switches of a thread, from its
 * status file: they grow at each switch-out.  0 or -errno. */
static int ctx_switches(pid_t pid, pid_t tid, uint64_t *out)
{
	char path[64], line[128];
	unsigned long long v;
	int found = 0;
	FILE *fp;

	snprintf(path, sizeof path, "/proc/%d/task/%d/status", (int)pid, (int)tid);
	fp = fopen(path, "re");
	if (!fp)
		return -errno;
	*out = 0;
	while (fgets(line, sizeof line, fp))
		if (sscanf(line, "voluntary_ctxt_switches: %llu", &v) == 1 ||
		    sscanf(line, "nonvoluntary_ctxt_switches: %llu", &v) == 1) {
			*out += v;
			found++;
		}
	fclose(fp);
	return found == 2 ? 0 : -ENOENT;
}

/* Kernel frames (names from /proc, leaf first) then the user stack built
 * from the grab, into t.  0 or negative; -EAGAIN: not readable. */
static int read_one(struct blocked *b, const struct dump_task *dt,
		    struct bthread *t)
{
	char (*kn)[64] = NULL;
	struct dump_grab g;
	struct rec_sample out;
	struct event ev;
	struct wproc *p;
	size_t nk = 0;
	int err;

	memset(&g, 0, sizeof g);
	err = dump_grab_blocked(b->pid, dt, &b->maps, NULL, &g);
	if (err) {
		/* the stack copy may be made before the grab fails (the
		 * thread ran on meanwhile: -EAGAIN): out frees it
		 * (LeakSanitizer, fresh-clone run 32) */
		err = err == -ENOMEM ? err : -EAGAIN;
		goto out;
	}
	kn = malloc(KMAX * sizeof *kn);
	if (!kn) {
		err = -ENOMEM;
		goto out;
	}
	if (dump_kstack(b->pid, dt->tid, kn, KMAX, &nk))
		nk = 0; /* not permitted: user frames only */
	memset(&ev, 0, sizeof ev);
	ev.kind = EV_OFFCPU;
	ev.pid = (uint32_t)b->pid;
	ev.tid = (uint32_t)dt->tid;
	ev.u.sample.abi = PERF_SAMPLE_REGS_ABI_64;
	memcpy(ev.u.sample.regs, g.regs, sizeof g.regs);
	ev.u.sample.ip = g.regs[16];
	ev.u.sample.stack = g.stack;
	ev.u.sample.stack_len = g.stack_len;
	err = world_prepare_sample(b->w, &ev, &p);
	if (!err)
		pywalker_recheck(wproc_python(p), dt->tid);
	if (!err)
		err = stacks_build(b->st, p, &ev, 0, &out);
	if (err)
		goto out;
	t->ids = malloc((nk + out.n + 1) * sizeof *t->ids);
	if (!t->ids) {
		err = -ENOMEM;
		goto out;
	}
	t->n = 0;
	for (size_t i = 0; i < nk && !err; i++)
		err = frames_id(b->f, FK_KERNEL, kn[i], "[kernel]", &t->ids[t->n++]);
	memcpy(t->ids + t->n, out.frames, out.n * sizeof *t->ids);
	t->n += out.n;
	t->flags = out.flags;
out:
	free(kn);
	dump_grab_fini(&g);
	return err;
}

static int on_task(void *ctx, pid_t tid)
{
	struct blocked *b = ctx;
	struct dump_task dt;
	struct bthread t = { .tid = tid };
	int err;

	if (dump_task_read(b->pid, tid, &dt) || !dump_task_blocked(&dt) ||
	    ctx_switches(b->pid, tid, &t.switches))
		return 0; /* running, gone or unreadable: nothing to add */
	err = read_one(b, &dt, &t);
	if (err)
		return err == -ENOMEM ? err : 0;
	if (b->n == b->cap) {
		size_t cap = b->cap ? 2 * b->cap : 8;
		struct bthread *nt = realloc(b->t, cap * sizeof *nt);

		if (!nt) {
			free(t.ids);
			return -ENOMEM;
		}
		b->t = nt;
		b->cap = cap;
	}
	b->t[b->n++] = t;
	return 0;
}

struct blocked *blocked_read(pid_t pid, struct world *w, struct stacks *st,
			     struct frames *f)
{
	struct blocked *b = calloc(1, sizeof *b);

	if (!b)
		return NULL;
	b->pid = pid;
	b->w = w;
	b->st = st;
	b->f = f;
	if (dump_maps_load(pid, &b->maps))
		return b; /* nothing readable: an empty set */
	if (procfs_foreach_task(pid, on_task, b) == -ENOMEM) {
		blocked_free(b);
		return NULL;
	}
	return b;
}

int blocked_commit(struct blocked *b, struct offcpu *o, uint64_t time_ns)
{
	int opened = 0, err;

	for (size_t i = 0; i < b->n; i++) {
		struct bthread *t = &b->t[i];
		struct dump_task dt;
		struct rec_sample s = { 0 };
		uint64_t sw;

		/* still blocked and not switched since: it has not run */
		if (dump_task_read(b->pid, t->tid, &dt) || dt.state == 'R' ||
		    ctx_switches(b->pid, t->tid, &sw) || sw != t->switches)
			continue;
		s.time_ns = time_ns;
		s.pid = (uint32_t)b->pid;
		s.tid = (uint32_t)t->tid;
		s.flags = t->flags;
		s.n = t->n;
		s.frames = t->ids;
		err = offcpu_out(o, &s, 1);
		if (err)
			return err;
		opened++;
	}
	return opened;
}

void blocked_free(struct blocked *b)
{
	if (!b)
		return;
	for (size_t i = 0; i < b->n; i++)
		free(b->t[i].ids);
	free(b->t);
	dump_maps_free(&b->maps);
	free(b);
}
