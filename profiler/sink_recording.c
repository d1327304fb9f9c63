/* The recording as a sink: each call is one record (recwriter.h). */
#include "sink.h"
#include "../recording/recwriter.h"

static int s_proc(void *ctx, uint32_t pid, uint32_t ppid, const char *comm,
		  const char *exe)
{
	return recwriter_proc(ctx, pid, ppid, comm, exe);
}

static int s_thread(void *ctx, uint32_t pid, uint32_t tid, const char *name)
{
	return recwriter_thread(ctx, pid, tid, name);
}

static int s_map(void *ctx, uint32_t pid, uint64_t start, uint64_t end,
		 uint64_t pgoff, const char *build_id, const char *path)
{
	return recwriter_map(ctx, pid, start, end, pgoff, build_id, path);
}

static int s_frame(void *ctx, uint32_t id, enum frame_kind kind,
		   const char *name, const char *module)
{
	return recwriter_frame(ctx, id, kind, name, module);
}

static int s_sample(void *ctx, const struct rec_sample *s)
{
	return recwriter_sample(ctx, s);
}

static int s_lost(void *ctx, uint64_t time_ns, uint64_t count)
{
	return recwriter_lost(ctx, time_ns, count);
}

static int s_loc(void *ctx, uint32_t id, uint64_t offset, const char *module,
		 uint32_t n, const uint32_t *frames)
{
	return recwriter_loc(ctx, id, offset, module, n, frames);
}

static int s_lines(void *ctx, uint32_t loc, uint32_t n, const uint32_t *lines,
		   const char *const *files)
{
	return recwriter_lines(ctx, loc, n, lines, files);
}

static int s_thread_python(void *ctx, uint32_t pid, uint32_t tid,
			   const char *name)
{
	return recwriter_thread_python(ctx, pid, tid, name);
}

static const struct sink_ops recording_ops = {
	s_proc, s_thread, s_map, s_frame, s_sample, s_lost, s_loc, s_lines,
	s_thread_python,
};

struct sink sink_recording(struct recwriter *w)
{
	return (struct sink){ &recording_ops, w };
}
