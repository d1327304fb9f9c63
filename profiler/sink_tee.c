/* sink_tee.c - one sink feeding two (sink.h). */
#include "sink.h"

#include <errno.h>
#include <stdlib.h>

struct tee {
	struct sink a, b;
};

static int tee_proc(void *ctx, uint32_t pid, uint32_t ppid, const char *comm,
		    const char *exe)
{
	struct tee *t = ctx;
	int err = t->a.ops->proc(t->a.ctx, pid, ppid, comm, exe);

	return err ? err : t->b.ops->proc(t->b.ctx, pid, ppid, comm, exe);
}

static int tee_thread(void *ctx, uint32_t pid, uint32_t tid, const char *name)
{
	struct tee *t = ctx;
	int err = t->a.ops->thread(t->a.ctx, pid, tid, name);

	return err ? err : t->b.ops->thread(t->b.ctx, pid, tid, name);
}

static int tee_map(void *ctx, uint32_t pid, uint64_t start, uint64_t end,
		   uint64_t pgoff, const char *build_id, const char *path)
{
	struct tee *t = ctx;
	int err = t->a.ops->map(t->a.ctx, pid, start, end, pgoff, build_id,
				path);

	return err ? err : t->b.ops->map(t->b.ctx, pid, start, end, pgoff,
					 build_id, path);
}

static int tee_frame(void *ctx, uint32_t id, enum frame_kind kind,
		     const char *name, const char *module)
{
	struct tee *t = ctx;
	int err = t->a.ops->frame(t->a.ctx, id, kind, name, module);

	return err ? err : t->b.ops->frame(t->b.ctx, id, kind, name, module);
}

static int tee_sample(void *ctx, const struct rec_sample *s)
{
	struct tee *t = ctx;
	int err = t->a.ops->sample(t->a.ctx, s);

	return err ? err : t->b.ops->sample(t->b.ctx, s);
}

static int tee_lost(void *ctx, uint64_t time_ns, uint64_t count)
{
	struct tee *t = ctx;
	int err = t->a.ops->lost(t->a.ctx, time_ns, count);

	return err ? err : t->b.ops->lost(t->b.ctx, time_ns, count);
}

/* Locations go to whichever of the two takes them. */
static int tee_loc(void *ctx, uint32_t id, uint64_t offset, const char *module,
		   uint32_t n, const uint32_t *frames)
{
	struct tee *t = ctx;
	int err = t->a.ops->loc ?
			  t->a.ops->loc(t->a.ctx, id, offset, module, n, frames) : 0;

	return err || !t->b.ops->loc ?
		       err : t->b.ops->loc(t->b.ctx, id, offset, module, n, frames);
}

static int tee_lines(void *ctx, uint32_t loc, uint32_t n, const uint32_t *lines,
		     const char *const *files)
{
	struct tee *t = ctx;
	int err = t->a.ops->lines ?
			  t->a.ops->lines(t->a.ctx, loc, n, lines, files) : 0;

	return err || !t->b.ops->lines ?
		       err : t->b.ops->lines(t->b.ctx, loc, n, lines, files);
}

static int tee_thread_python(void *ctx, uint32_t pid, uint32_t tid,
			     const char *name)
{
	struct tee *t = ctx;
	int err = t->a.ops->thread_python ?
			  t->a.ops->thread_python(t->a.ctx, pid, tid, name) : 0;

	return err || !t->b.ops->thread_python ?
		       err : t->b.ops->thread_python(t->b.ctx, pid, tid, name);
}

static const struct sink_ops tee_ops = {
	tee_proc, tee_thread, tee_map, tee_frame, tee_sample, tee_lost,
	tee_loc, tee_lines, tee_thread_python,
};

int sink_tee(struct sink a, struct sink b, struct sink *out)
{
	struct tee *t = malloc(sizeof *t);

	if (!t)
		return -ENOMEM;
	t->a = a;
	t->b = b;
	*out = (struct sink){ &tee_ops, t };
	return 0;
}

void sink_tee_free(struct sink s)
{
	if (s.ops == &tee_ops)
		free(s.ctx);
}
