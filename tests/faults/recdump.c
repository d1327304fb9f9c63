/* recdump - prints what a flamer recording holds, for the fault tests:
 *
 *   samples N       SAMPLE records (and the sum of their weights: weight N)
 *   tids N          distinct thread ids among the samples
 *   lost N          sum of the LOST records' counts
 *   end 0|1         whether an END record was seen, then its fields:
 *   end_samples N, end_lost N, end_threads N, end_status N
 *   error CODE MSG  how reading ended (0 = clean end)
 *   frame NAME      with -f: every frame name (kind:name)
 *   loc ID MODULE+0xOFF FRAME...
 *                   with -f: every LOC record (frame ids innermost first)
 *   lines LOC FILE:LINE...
 *                   with -f: every LINES record
 *   count NAME N    with -f: every COUNT record
 *   sample_locs N   SAMPLE_LOCS records
 *
 * usage: recdump [-f] FILE */
#include "../../recording/recreader.h"
#include "../../common/error.h"
#include "../../common/intern.h"

#include <stdio.h>
#include <string.h>

int main(int argc, char **argv)
{
	struct rec_end end = { 0 };
	struct rec_record rec;
	struct recreader *r;
	struct intern *tids = intern_new();
	uint64_t samples = 0, weight = 0, lost = 0, slocs = 0;
	int err = 0, rc, frames = argc > 2 && !strcmp(argv[1], "-f");
	const char *path = argv[argc - 1];

	if (argc < 2 || !tids)
		return 2;
	r = recreader_open(path, &err);
	if (!r) {
		printf("error %d %s\n", err, flamer_strerror(err));
		return 1;
	}
	while ((rc = recreader_next(r, &rec)) > 0) {
		switch (rec.type) {
		case REC_SAMPLE:
			samples++;
			weight += rec.u.sample.weight;
			intern_add(tids, &rec.u.sample.tid, 4, NULL);
			break;
		case REC_LOST:
			lost += rec.u.lost.count;
			break;
		case REC_END:
			end = rec.u.end;
			break;
		case REC_FRAME:
			if (frames)
				printf("frame %d:%.*s\n", (int)rec.u.frame.kind,
				       (int)rec.u.frame.name.len, rec.u.frame.name.s);
			break;
		case REC_LOC:
			if (!frames)
				break;
			printf("loc %u %.*s+0x%llx", rec.u.loc.id,
			       (int)rec.u.loc.module.len, rec.u.loc.module.s,
			       (unsigned long long)rec.u.loc.offset);
			for (uint32_t i = 0; i < rec.u.loc.n; i++)
				printf(" %u", rec.u.loc.frames[i]);
			printf("\n");
			break;
		case REC_LINES:
			if (!frames)
				break;
			printf("lines %u", rec.u.lines.loc);
			for (uint32_t i = 0; i < rec.u.lines.n; i++)
				printf(" %.*s:%u",
				       (int)rec.u.lines.lines[i].file.len,
				       rec.u.lines.lines[i].file.s,
				       rec.u.lines.lines[i].line);
			printf("\n");
			break;
		case REC_COUNT:
			if (frames)
				printf("count %.*s %llu\n",
				       (int)rec.u.count.name.len, rec.u.count.name.s,
				       (unsigned long long)rec.u.count.value);
			break;
		case REC_SAMPLE_LOCS:
			slocs++;
			break;
		default:
			break;
		}
	}
	printf("sample_locs %llu\n", (unsigned long long)slocs);
	printf("samples %llu\nweight %llu\ntids %zu\nlost %llu\nend %d\n"
	       "end_samples %llu\nend_lost %llu\nend_threads %u\n"
	       "end_status %u\nerror %d %s\n",
	       (unsigned long long)samples, (unsigned long long)weight,
	       intern_count(tids), (unsigned long long)lost,
	       recreader_complete(r), (unsigned long long)end.samples,
	       (unsigned long long)end.lost, end.threads, end.status, rc,
	       rc ? flamer_strerror(rc) : "ok");
	recreader_free(r);
	intern_free(tids);
	return 0;
}
