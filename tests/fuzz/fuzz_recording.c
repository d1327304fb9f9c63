/* fuzz_recording - the flamer.data reader (recording/recreader.c), the
 * folding of a recording (collapse/recfold.c, with its timeline, modules,
 * info and code locations) and the speedscope and pprof writers on
 * arbitrary bytes. */
#include "fuzz.h"

#include <errno.h>
#include "../../collapse/fold.h"
#include "../../collapse/pprof.h"
#include "../../collapse/recfold.h"
#include "../../recording/recreader.h"
#include "../../collapse/speedscope.h"

static void read_all(const uint8_t *data, size_t size)
{
	struct rec_record rec;
	struct recreader *r;
	int err, rc;
	size_t n = 0;

	r = recreader_open_mem(data, size, &err);
	if (!r)
		return;
	while ((rc = recreader_next(r, &rec)) > 0) {
		/* touch every borrowed byte so ASan sees bad lengths */
		if (rec.type == REC_FRAME)
			for (uint32_t i = 0; i < rec.u.frame.name.len; i++)
				n += (unsigned char)rec.u.frame.name.s[i];
		else if (rec.type == REC_SAMPLE)
			for (uint32_t i = 0; i < rec.u.sample.n; i++)
				n += rec.u.sample.frames[i];
		else if (rec.type == REC_LOC)
			for (uint32_t i = 0; i < rec.u.loc.n; i++)
				n += rec.u.loc.frames[i] + rec.u.loc.module.len;
		else if (rec.type == REC_LINES)
			for (uint32_t i = 0; i < rec.u.lines.n; i++)
				n += rec.u.lines.lines[i].line +
				     rec.u.lines.lines[i].file.len +
				     (rec.u.lines.lines[i].file.len ?
				      (unsigned char)rec.u.lines.lines[i].file.s[0] : 0);
		else if (rec.type == REC_SAMPLE_LOCS)
			for (uint32_t i = 0; i < rec.u.sample_locs.n; i++)
				n += rec.u.sample_locs.locs[i];
	}
	(void)recreader_complete(r);
	recreader_free(r);
	(void)n;
}

static void fold_all(const uint8_t *data, size_t size, int tid, int locs)
{
	struct recfold_opts o = { .tid = tid, .pid = !tid, .timeline = 1,
				  .locations = locs,
				  .mode = locs ? RECFOLD_SPLIT : RECFOLD_CPU };
	struct recfold_stats st;
	struct recreader *r;
	struct fold *f;
	int err;

	r = recreader_open_mem(data, size, &err);
	if (!r)
		return;
	f = fold_new();
	if (f && recfold_run(r, f, &o, &st) != -ENOMEM) {
		fold_write_folded(f, fuzz_devnull());
		speedscope_write(f, "fuzz", fuzz_devnull());
		pprof_write(f, locs ? PPROF_OFFCPU : PPROF_CPU,
			    fuzz_devnull());
	}
	fold_free(f);
	recreader_free(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	read_all(data, size);
	fold_all(data, size, size & 1, 0);
	fold_all(data, size, size & 1, 1); /* pprof's locations */
	return 0;
}
