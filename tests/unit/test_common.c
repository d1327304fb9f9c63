/* Unit tests for common/: number parsing, errors, interning, output files,
 * and the recording format (writer and reader round trip). */
#include "check.h"

#include "../../recording/recreader.h"
#include "../../common/error.h"
#include "../../common/intern.h"
#include "../../common/num.h"
#include "../../common/outfile.h"
#include "../../recording/recwriter.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

static void test_num(void)
{
	uint64_t u = 7;
	double d = 7;

	CHECK(num_parse_u64("99", 1, 1000, &u) == 0 && u == 99);
	CHECK(num_parse_u64("0x10", 0, 100, &u) == 0 && u == 16);
	u = 7;
	CHECK(num_parse_u64("99x", 1, 1000, &u) == -FE_NUMBER && u == 7);
	CHECK(num_parse_u64("", 1, 1000, &u) == -FE_NUMBER);
	CHECK(num_parse_u64("-1", 0, 1000, &u) == -FE_NUMBER);
	CHECK(num_parse_u64(" 5", 0, 1000, &u) == -FE_NUMBER);
	CHECK(num_parse_u64("0x", 0, 1000, &u) == -FE_NUMBER);
	CHECK(num_parse_u64("1001", 1, 1000, &u) == -FE_RANGE);
	CHECK(num_parse_u64("99999999999999999999999", 0, UINT64_MAX, &u) ==
	      -FE_RANGE);
	CHECK(num_parse_double("1.5", 0, 10, &d) == 0 && d == 1.5);
	CHECK(num_parse_double("abc", 0, 10, &d) == -FE_NUMBER);
	CHECK(num_parse_double("-1", 0, 10, &d) == -FE_RANGE);
	CHECK(num_parse_double("nan", 0, 10, &d) == -FE_NUMBER);
	CHECK(num_parse_double("inf", 0, 1e300, &d) == -FE_NUMBER);
	CHECK(num_parse_double("1e400", 0, 1e300, &d) == -FE_RANGE);
	CHECK(num_parse_double("2s", 0, 10, &d) == -FE_NUMBER);
}

static void test_errors(void)
{
	CHECK_STR(flamer_strerror(-FE_TRUNCATED), "file is truncated");
	CHECK_STR(flamer_strerror(FE_SYNTAX), "malformed input");
	CHECK_STR(flamer_strerror(-ENOENT), "No such file or directory");
}

static void test_intern(void)
{
	struct intern *t = intern_new();
	int added;
	char buf[32];

	CHECK(t != NULL);
	CHECK(intern_add(t, "abc", 3, &added) == 0 && added);
	CHECK(intern_add(t, "abd", 3, &added) == 1 && added);
	CHECK(intern_add(t, "abc", 3, &added) == 0 && !added);
	CHECK(intern_find(t, "abd", 3) == 1);
	CHECK(intern_find(t, "zz", 2) == -1);
	for (int i = 0; i < 100000; i++) {
		int n = snprintf(buf, sizeof buf, "frame%d", i);

		if (intern_add(t, buf, (size_t)n, NULL) != i + 2) {
			CHECK(!"dense ids");
			break;
		}
	}
	CHECK(intern_count(t) == 100002);
	CHECK_STR(intern_get(t, 50002, NULL), "frame50000");
	CHECK(intern_add(t, "", 0, NULL) == 100002);
	intern_free(t);
}

static char *tmpdir(void)
{
	static char dir[] = "/tmp/flamer-unit.XXXXXX";

	return mkdtemp(dir);
}

static void test_outfile(void)
{
	char path[256];
	int err = 0;
	struct outfile *of;
	struct stat st;
	char *dir = tmpdir();

	snprintf(path, sizeof path, "%s/out", dir);
	of = outfile_open(path, &err);
	CHECK(of != NULL);
	fputs("hello", outfile_stream(of));
	CHECK(stat(path, &st) != 0); /* not in place before commit */
	CHECK(outfile_commit(of) == 0);
	CHECK(stat(path, &st) == 0 && st.st_size == 5);
	of = outfile_open(path, &err);
	fputs("half", outfile_stream(of));
	outfile_abort(of);
	CHECK(stat(path, &st) == 0 && st.st_size == 5); /* old file kept */
	unlink(path);
	rmdir(dir);
}

/* Writes a small recording to a memory file and reads it back. */
static void test_recording_roundtrip(void)
{
	char path[] = "/tmp/flamer-rec.XXXXXX";
	int fd = mkstemp(path), err = 0, rc, nsamples = 0, nframes = 0;
	struct recwriter *w = recwriter_new(fd, &err);
	uint32_t frames[3] = { 2, 1, 0 };
	struct rec_sample s = { .time_ns = 5, .pid = 10, .tid = 11, .cpu = 1,
				.weight = 1, .n = 3, .frames = frames };
	struct rec_end e = { .samples = 2, .threads = 1 };
	struct recreader *r;
	struct rec_record rec;

	CHECK(w != NULL);
	CHECK(recwriter_meta(w, "cmd", "prog a b") == 0);
	CHECK(recwriter_frame(w, 0, FK_NATIVE, "main", "prog") == 0);
	CHECK(recwriter_frame(w, 1, FK_NATIVE, "outer", "prog") == 0);
	CHECK(recwriter_frame(w, 2, FK_KERNEL, "sys_write", "") == 0);
	CHECK(recwriter_sample(w, &s) == 0);
	CHECK(recwriter_flush(w) == 0); /* two blocks */
	CHECK(recwriter_sample(w, &s) == 0);
	CHECK(recwriter_end(w, &e) == 0);
	CHECK(recwriter_flush(w) == 0);
	CHECK(recwriter_bytes(w) == (uint64_t)lseek(fd, 0, SEEK_CUR));
	recwriter_free(w);

	r = recreader_open(path, &err);
	CHECK(r != NULL);
	while (r && (rc = recreader_next(r, &rec)) > 0) {
		if (rec.type == REC_FRAME)
			nframes++;
		if (rec.type == REC_SAMPLE) {
			nsamples++;
			CHECK(rec.u.sample.n == 3 && rec.u.sample.frames[0] == 2);
			CHECK(rec.u.sample.tid == 11);
		}
	}
	CHECK(r && rc == 0 && recreader_complete(r));
	CHECK(nframes == 3 && nsamples == 2);
	recreader_free(r);

	/* Cut inside the second block: the first block's records are still
	 * delivered, then FE_TRUNCATED. */
	CHECK(ftruncate(fd, lseek(fd, 0, SEEK_END) - 5) == 0);
	r = recreader_open(path, &err);
	nsamples = 0;
	while (r && (rc = recreader_next(r, &rec)) > 0)
		nsamples += rec.type == REC_SAMPLE;
	CHECK(nsamples == 1 && rc == -FE_TRUNCATED);
	recreader_free(r);
	close(fd);
	unlink(path);

	CHECK(recreader_open_mem("garbage garbage!", 16, &err) == NULL &&
	      err == -FE_NOT_RECORDING);
	CHECK(recreader_open_mem(REC_MAGIC "\x02\0\0\0\0\0\0\0", 16, &err) ==
		      NULL && err == -FE_VERSION);
}

#define TESTS(X) X(test_num) X(test_errors) X(test_intern) X(test_outfile) \
	X(test_recording_roundtrip)
CHECK_MAIN(TESTS)
