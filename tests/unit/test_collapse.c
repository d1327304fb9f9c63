/* Unit tests for collapse/: folding flamer recordings (roots, --pid, --tid,
 * --no-kernel, --from/--to, frame kinds, truncated and foreign files), the
 * perf script and SystemTap parsers fed in pieces, and the line splitter. */
#include "check.h"

#include "../../collapse/fold.h"
#include "../../collapse/linebuf.h"
#include "../../collapse/perfscript.h"
#include "../../collapse/recfold.h"
#include "../../recording/recreader.h"
#include "../../collapse/stap.h"
#include "../../commands.h"
#include "../../common/error.h"
#include "../../recording/recwriter.h"

#include <stdlib.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

static char tmpdir[] = "/tmp/flamer-test-collapse.XXXXXX";

static void sample(struct recwriter *w, double t, uint32_t pid, uint32_t tid,
		   uint64_t weight, uint32_t n, const uint32_t *frames)
{
	struct rec_sample s = { (uint64_t)(t * 1e9), pid, tid, 0, 0, weight,
				n, frames, 0, NULL, NULL };

	CHECK(recwriter_sample(w, &s) == 0);
}

/* Writes the test recording; complete = with END, else cut inside the last
 * block.  Returns the path (static). */
static const char *write_recording(int complete)
{
	static char path[256];
	static const uint32_t s1[] = { 2, 1, 0 }, s2[] = { 3, 1, 0 },
			      s3[] = { 6, 4 }, s5[] = { 5, 7 }, s6[] = { 8, 9 };
	struct rec_end end = { 6, 7, 5, 0 };
	struct recwriter *w;
	int fd, err;

	snprintf(path, sizeof path, "%s/rec-%d.data", tmpdir, complete);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	CHECK(fd >= 0);
	w = recwriter_new(fd, &err);
	CHECK(w != NULL);
	CHECK(recwriter_proc(w, 100, 1, "my prog", "/bin/my prog") == 0);
	CHECK(recwriter_proc(w, 200, 1, "beam.smp", "/usr/lib/beam.smp") == 0);
	CHECK(recwriter_thread(w, 100, 100, "my prog") == 0);
	CHECK(recwriter_thread(w, 100, 101, "worker") == 0);
	CHECK(recwriter_thread(w, 200, 201, "1_scheduler") == 0);
	CHECK(recwriter_frame(w, 0, FK_NATIVE, "main", "prog") == 0);
	CHECK(recwriter_frame(w, 1, FK_NATIVE, "work", "prog") == 0);
	CHECK(recwriter_frame(w, 2, FK_KERNEL, "sys_write", "") == 0);
	CHECK(recwriter_frame(w, 3, FK_INLINE, "inl", "prog") == 0);
	CHECK(recwriter_frame(w, 4, FK_JIT, "jitfn", "") == 0);
	CHECK(recwriter_frame(w, 5, FK_UNKNOWN, "", "/usr/lib/libx.so") == 0);
	CHECK(recwriter_frame(w, 6, FK_ERLANG, "fib/1", "") == 0);
	CHECK(recwriter_frame(w, 7, FK_TRUNCATED, "[truncated]", "") == 0);
	CHECK(recwriter_frame(w, 8, FK_NATIVE, "a;b\n", "") == 0);
	CHECK(recwriter_frame(w, 9, FK_PYTHON, "py (x.py)", "") == 0);
	sample(w, 0.5, 100, 100, 1, 3, s1);
	sample(w, 1.5, 100, 101, 2, 3, s2);
	sample(w, 2.5, 200, 201, 3, 2, s3);
	CHECK(recwriter_flush(w) == 0);
	/* a thread named only after its samples still gets its name */
	sample(w, 2.6, 200, 202, 4, 2, s3);
	CHECK(recwriter_thread(w, 200, 202, "2_scheduler") == 0);
	sample(w, 3.0, 300, 300, 5, 2, s5);
	sample(w, 3.5, 100, 100, 6, 2, s6);
	CHECK(recwriter_lost(w, 3.6e9, 7) == 0);
	if (complete)
		CHECK(recwriter_end(w, &end) == 0);
	CHECK(recwriter_flush(w) == 0);
	recwriter_free(w);
	if (!complete) {
		struct stat st;

		CHECK(fstat(fd, &st) == 0);
		CHECK(ftruncate(fd, st.st_size - 5) == 0);
	}
	close(fd);
	return path;
}

/* Folds path with o and returns the folded text (malloc'd) and *rc. */
static char *fold_file(const char *path, const struct recfold_opts *o,
		       int *rc, struct recfold_stats *st)
{
	int err;
	struct recreader *r = recreader_open(path, &err);
	struct fold *f = fold_new();
	char *text = NULL;
	size_t len;
	FILE *m = open_memstream(&text, &len);

	CHECK(r != NULL && f != NULL && m != NULL);
	if (!r || !f || !m)
		return strdup("");
	*rc = recfold_run(r, f, o, st);
	CHECK(fold_write_folded(f, m) == 0);
	fclose(m);
	recreader_free(r);
	fold_free(f);
	return text;
}

static void check_fold(const char *path, const struct recfold_opts *o,
		       int want_rc, const char *want)
{
	struct recfold_stats st;
	int rc = 1;
	char *got = fold_file(path, o, &rc, &st);

	CHECK(rc == want_rc);
	CHECK_STR(got, want);
	free(got);
}

/* SAMPLE_ERLANG: the Erlang process of the next SAMPLE only; with
 * erlang_processes a frame right under the root (";" in its text made
 * ":"), without it nothing; the SAMPLE_LOCS between keeps its meaning. */
static void test_erlang_processes(void)
{
	static const uint32_t fr[] = { 1, 0 };
	static const uint32_t locs[] = { REC_LOC_FRAME | 1, REC_LOC_FRAME | 0 };
	struct rec_sample s = { .pid = 7, .tid = 8, .weight = 1, .n = 2,
				.frames = fr };
	struct recfold_opts o = { .tid = 1 }, e = { .tid = 1,
						    .erlang_processes = 1 };
	char path[256];
	int fd, err;
	struct recwriter *w;

	snprintf(path, sizeof path, "%s/erl.data", tmpdir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	w = recwriter_new(fd, &err);
	CHECK(w != NULL);
	CHECK(recwriter_proc(w, 7, 1, "beam.smp", "/bin/beam.smp") == 0);
	CHECK(recwriter_thread(w, 7, 8, "1_scheduler") == 0);
	CHECK(recwriter_frame(w, 0, FK_NATIVE, "process_main", "beam.smp") == 0);
	CHECK(recwriter_frame(w, 1, FK_ERLANG, "m:f/1", "") == 0);
	s.erlproc = "hot <0.80.0>";
	s.locs = locs;
	s.nlocs = 2;
	CHECK(recwriter_sample(w, &s) == 0);
	s.erlproc = NULL;
	s.nlocs = 0;
	CHECK(recwriter_sample(w, &s) == 0);
	s.erlproc = "a;b <0.9.0>";
	CHECK(recwriter_sample(w, &s) == 0);
	s.erlproc = "x\ny\t <0.10.0>"; /* an atom may hold any byte */
	CHECK(recwriter_sample(w, &s) == 0);
	CHECK(recwriter_flush(w) == 0);
	recwriter_free(w);
	close(fd);
	check_fold(path, &o, -FE_TRUNCATED,
		   "beam.smp-7/8;1_scheduler;process_main;m:f/1 4\n");
	check_fold(path, &e, -FE_TRUNCATED,
		   "beam.smp-7/8;1_scheduler;a:b <0.9.0>;process_main;m:f/1 1\n"
		   "beam.smp-7/8;1_scheduler;hot <0.80.0>;process_main;m:f/1 1\n"
		   "beam.smp-7/8;1_scheduler;process_main;m:f/1 1\n"
		   "beam.smp-7/8;1_scheduler;x?y? <0.10.0>;process_main;m:f/1 1\n");
	e.locations = 1; /* pprof's path: no process frames (not kept) */
	check_fold(path, &e, -FE_TRUNCATED,
		   "beam.smp-7/8;1_scheduler;process_main;m:f/1 4\n");
}

/* Locations: a LOC for (inl, work) at one offset with its LINES, another
 * for work alone with a LINES of the wrong length (ignored: no lines);
 * samples with matching SAMPLE_LOCS, one whose SAMPLE_LOCS does not match
 * its frames (ignored: names only), one without. */
static void test_locations(void)
{
	static const uint32_t fr[] = { 2, 3, 1, 0 }, fr2[] = { 1, 0 };
	static const uint32_t chain[] = { 3, 1 }, lines[] = { 27, 54 };
	static const char *const files[] = { "/src/inl.c", "/src/inl.c" };
	const uint32_t l1[] = { REC_LOC_FRAME | 2, 0, REC_LOC_FRAME | 0 };
	const uint32_t l2[] = { 1, REC_LOC_FRAME | 0 };
	const uint32_t bad[] = { 1, REC_LOC_FRAME | 1 };
	struct rec_sample s = { .pid = 100, .tid = 100, .weight = 1 };
	struct recfold_opts o = { .locations = 1 };
	struct recfold_stats st;
	char path[256];
	int fd, err, rc = 1;
	struct recwriter *w;
	struct recreader *r;
	struct fold *f;
	struct fold_loc fl;
	size_t nlocs = 0, n;
	double total = 0, wt;
	uint32_t entry;

	snprintf(path, sizeof path, "%s/locs.data", tmpdir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	w = recwriter_new(fd, &err);
	CHECK(w != NULL);
	CHECK(recwriter_proc(w, 100, 1, "prog", "/bin/prog") == 0);
	CHECK(recwriter_frame(w, 0, FK_NATIVE, "main", "prog") == 0);
	CHECK(recwriter_frame(w, 1, FK_NATIVE, "work", "prog") == 0);
	CHECK(recwriter_frame(w, 2, FK_KERNEL, "sys_write", "") == 0);
	CHECK(recwriter_frame(w, 3, FK_INLINE, "inl", "prog") == 0);
	CHECK(recwriter_loc(w, 0, 0x1234, "prog", 2, chain) == 0);
	CHECK(recwriter_loc(w, 1, 0x1300, "prog", 1, chain + 1) == 0);
	s.frames = fr;
	s.n = 4;
	s.locs = l1;
	s.nlocs = 3;
	CHECK(recwriter_sample(w, &s) == 0);
	CHECK(recwriter_sample(w, &s) == 0);
	s.frames = fr2;
	s.n = 2;
	s.locs = l2;
	s.nlocs = 2;
	CHECK(recwriter_sample(w, &s) == 0);
	s.locs = bad; /* frames 1, 1: not the sample's 1, 0 */
	CHECK(recwriter_sample(w, &s) == 0);
	s.nlocs = 0;
	CHECK(recwriter_sample(w, &s) == 0);
	/* lines come after the samples, as the recorder writes them */
	CHECK(recwriter_lines(w, 0, 2, lines, files) == 0);
	CHECK(recwriter_lines(w, 1, 2, lines, files) == 0); /* 2 for 1 frame */
	CHECK(recwriter_flush(w) == 0);
	recwriter_free(w);
	close(fd);

	/* the folded text is the same with and without locations */
	check_fold(path, &o, -FE_TRUNCATED,
		   "prog;main;work 3\nprog;main;work;inl_[i];sys_write_[k] 2\n");
	r = recreader_open(path, &err);
	f = fold_new();
	CHECK(r && f);
	rc = recfold_run(r, f, &o, &st);
	CHECK(rc == -FE_TRUNCATED && st.samples == 5);
	/* locations: 2 LOCs, names-only for main, sys_write, work and the
	 * root "prog" */
	CHECK(fold_loc_count(f) == 6);
	/* (fold location ids are given in order of use) */
	for (uint32_t i = 0; i < fold_loc_count(f); i++) {
		CHECK(fold_loc_get(f, i, &fl) == 0);
		if (fl.offset == 0x1234) {
			CHECK(fl.n == 2 && fl.mlen == 4 &&
			      !memcmp(fl.module, "prog", 4) &&
			      fl.lines[0].line == 27 && fl.lines[1].line == 54 &&
			      fl.lines[0].nlen == 7 &&
			      !memcmp(fl.lines[0].name, "inl_[i]", 7) &&
			      fl.lines[0].flen == 10 &&
			      !memcmp(fl.lines[0].file, "/src/inl.c", 10));
			nlocs++;
		} else {
			/* the mismatched LINES gave 0x1300 (work alone) no
			 * line; the others have none */
			CHECK(fl.n == 1 && fl.lines[0].line == 0 &&
			      fl.lines[0].flen == 0);
			nlocs += fl.offset == 0x1300 ? 10 : 0;
		}
	}
	CHECK(nlocs == 11);
	nlocs = 0;
	/* stacks: (sys_write, loc 0, main, prog) x2, (loc 1, main, prog) x1,
	 * (work, main, prog) x2 (the mismatch and the one without) */
	for (size_t i = 0; i < fold_locstack_count(f); i++) {
		const char *ids = fold_locstack(f, i, &entry, &n, &wt);
		uint32_t first;

		memcpy(&first, ids, 4);
		total += wt;
		nlocs++;
		if (n == 3 && first == 1)
			CHECK(wt == 1);
		CHECK(n == 3 || n == 4);
	}
	CHECK(nlocs == 3 && total == 5);
	fold_free(f);
	recreader_free(r);
}

static void test_roots_and_kinds(void)
{
	const char *path = write_recording(1);
	struct recfold_opts o = { 0 };
	struct recfold_stats st;
	int rc;
	char *got;

	check_fold(path, &o, 0,
		   "[pid 300];[truncated];[libx.so] 5\n"
		   "beam.smp;jitfn_[j];fib/1 7\n"
		   "my_prog;main;work;inl_[i] 2\n"
		   "my_prog;main;work;sys_write_[k] 1\n"
		   "my_prog;py (x.py);a:b? 6\n");
	got = fold_file(path, &o, &rc, &st);
	CHECK(st.samples == 6 && st.lost == 7 && st.complete == 1);
	free(got);
}

/* The interpreter's plumbing (collapse/plumbing.h) folded by default, all
 * frames with --native-all, Python (+ kernel, markers) with --python-only. */
static void test_plumbing(void)
{
	static const char *const names[] = {
		"_start", "<module> (m.py)", "call_function",
		"function_code_fastcall", "outer (m.py)",
		"cfunction_vectorcall_O.lto_priv.0", "zlib_compress",
		"deflate", "sys_write", "PyIter_Next", "gen_iternext",
		"gen (m.py)", "builtin_sum", "type_call", "object_new",
		"__init__ (__init__)", "_PyEval_EvalFrameDefault",
		"[truncated]", "_PyObject_VectorcallTstate", "K.__init__ (m.py)",
	};
	static const uint8_t kinds[] = {
		FK_NATIVE, FK_PYTHON, FK_NATIVE, FK_NATIVE, FK_PYTHON,
		FK_NATIVE, FK_NATIVE, FK_NATIVE, FK_KERNEL, FK_NATIVE,
		FK_NATIVE, FK_PYTHON, FK_NATIVE, FK_NATIVE, FK_NATIVE,
		FK_PYTHON, FK_NATIVE, FK_TRUNCATED, FK_INLINE, FK_PYTHON,
	};
	static const uint32_t a[] = { 7, 6, 5, 4, 3, 2, 1, 0 },
			      b[] = { 11, 10, 9, 12, 18, 4, 1, 0 },
			      c[] = { 14, 13, 4, 1, 0 },
			      d[] = { 19, 15, 13, 2, 4, 1, 0 },
			      e[] = { 4, 1, 16, 2, 0 },
			      f[] = { 8, 4, 5, 17 },
			      g[] = { 2, 0 },
			      h[] = { 19, 15, 4, 1, 0 };
	static const struct { const uint32_t *ids; uint32_t n, flags, pid; } ss[] = {
		{ a, 8, 0, 1 }, { b, 8, 0, 1 }, { c, 5, 0, 1 }, { d, 7, 0, 1 },
		{ e, 5, REC_SF_PY_AMBIGUOUS, 1 }, { f, 4, REC_SF_TRUNCATED, 1 },
		{ g, 2, 0, 2 },
		/* 3.13's init shim in a sample kept whole (fresh-clone run 20:
		 * --python-only kept it) */
		{ h, 5, REC_SF_PY_AMBIGUOUS, 1 },
	};
	char path[300];
	struct recwriter *w;
	struct rec_end end = { 8, 0, 2, 0 };
	struct recfold_opts o = { 0 };
	int fd, err;

	snprintf(path, sizeof path, "%s/plumbing.data", tmpdir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	CHECK(fd >= 0);
	w = recwriter_new(fd, &err);
	CHECK(w != NULL);
	if (!w)
		return;
	CHECK(recwriter_proc(w, 1, 0, "py", "/usr/bin/python3") == 0);
	CHECK(recwriter_proc(w, 2, 0, "c", "/usr/bin/c") == 0);
	for (uint32_t i = 0; i < sizeof kinds; i++)
		CHECK(recwriter_frame(w, i, kinds[i], names[i], "") == 0);
	for (size_t i = 0; i < sizeof ss / sizeof *ss; i++) {
		struct rec_sample s = { i * 1000, ss[i].pid, ss[i].pid, 0,
					ss[i].flags, 1, ss[i].n, ss[i].ids, 0, NULL,
					NULL };

		CHECK(recwriter_sample(w, &s) == 0);
	}
	CHECK(recwriter_end(w, &end) == 0);
	CHECK(recwriter_flush(w) == 0);
	recwriter_free(w);
	close(fd);
	check_fold(path, &o, 0,
		   "c;_start;call_function 1\n"
		   "py;[truncated];outer (m.py);sys_write_[k] 1\n"
		   "py;_start;<module> (m.py);outer (m.py);K.__init__ (m.py) 1\n"
		   "py;_start;<module> (m.py);outer (m.py);__init__ (__init__);K.__init__ (m.py) 1\n"
		   "py;_start;<module> (m.py);outer (m.py);builtin_sum;gen (m.py) 1\n"
		   "py;_start;<module> (m.py);outer (m.py);type_call;object_new 1\n"
		   "py;_start;<module> (m.py);outer (m.py);zlib_compress;deflate 1\n"
		   "py;_start;call_function;_PyEval_EvalFrameDefault;<module> (m.py);outer (m.py) 1\n");
	o.frames = RECFOLD_NATIVE_ALL;
	check_fold(path, &o, 0,
		   "c;_start;call_function 1\n"
		   "py;[truncated];cfunction_vectorcall_O.lto_priv.0;outer (m.py);sys_write_[k] 1\n"
		   "py;_start;<module> (m.py);call_function;function_code_fastcall;outer (m.py);cfunction_vectorcall_O.lto_priv.0;zlib_compress;deflate 1\n"
		   "py;_start;<module> (m.py);outer (m.py);_PyObject_VectorcallTstate_[i];builtin_sum;PyIter_Next;gen_iternext;gen (m.py) 1\n"
		   "py;_start;<module> (m.py);outer (m.py);__init__ (__init__);K.__init__ (m.py) 1\n"
		   "py;_start;<module> (m.py);outer (m.py);call_function;type_call;__init__ (__init__);K.__init__ (m.py) 1\n"
		   "py;_start;<module> (m.py);outer (m.py);type_call;object_new 1\n"
		   "py;_start;call_function;_PyEval_EvalFrameDefault;<module> (m.py);outer (m.py) 1\n");
	o.frames = RECFOLD_PYTHON_ONLY;
	check_fold(path, &o, 0,
		   "c;_start;call_function 1\n"
		   "py;<module> (m.py);outer (m.py) 3\n"
		   "py;<module> (m.py);outer (m.py);K.__init__ (m.py) 2\n"
		   "py;<module> (m.py);outer (m.py);gen (m.py) 1\n"
		   "py;[truncated];outer (m.py);sys_write_[k] 1\n");
}

static void test_pid_tid(void)
{
	const char *path = write_recording(1);
	struct recfold_opts o = { .pid = 1 };

	check_fold(path, &o, 0,
		   "[pid 300]-300;[truncated];[libx.so] 5\n"
		   "beam.smp-200;jitfn_[j];fib/1 7\n"
		   "my_prog-100;main;work;inl_[i] 2\n"
		   "my_prog-100;main;work;sys_write_[k] 1\n"
		   "my_prog-100;py (x.py);a:b? 6\n");
	o.pid = 0;
	o.tid = 1;
	check_fold(path, &o, 0,
		   "[pid 300]-300/300;[pid 300];[truncated];[libx.so] 5\n"
		   "beam.smp-200/201;1_scheduler;jitfn_[j];fib/1 3\n"
		   "beam.smp-200/202;2_scheduler;jitfn_[j];fib/1 4\n"
		   "my_prog-100/100;my prog;main;work;sys_write_[k] 1\n"
		   "my_prog-100/100;my prog;py (x.py);a:b? 6\n"
		   "my_prog-100/101;worker;main;work;inl_[i] 2\n");
}

/* THREAD_PYTHON: with --tid the name Python gives a thread replaces its
 * OS name (latest wins; ';' and control characters sanitized as for any
 * name), only for the pid it was read in; an empty one is withdrawn. */
static void test_python_thread_names(void)
{
	static char path[256];
	static const uint32_t s1[] = { 1, 0 };
	struct recfold_opts o = { .tid = 1 };
	struct rec_end end = { 5, 0, 4, 0 };
	struct recwriter *w;
	int fd, err;

	snprintf(path, sizeof path, "%s/pythreads.data", tmpdir);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	CHECK(fd >= 0);
	w = recwriter_new(fd, &err);
	CHECK(w != NULL);
	CHECK(recwriter_proc(w, 10, 1, "python3", "/usr/bin/python3") == 0);
	CHECK(recwriter_thread(w, 10, 10, "python3") == 0);
	CHECK(recwriter_thread(w, 10, 11, "python3") == 0);
	CHECK(recwriter_thread(w, 10, 12, "python3") == 0);
	CHECK(recwriter_thread(w, 10, 13, "python3") == 0);
	CHECK(recwriter_frame(w, 0, FK_NATIVE, "main", "python3") == 0);
	CHECK(recwriter_frame(w, 1, FK_PYTHON, "f (a.py)", "") == 0);
	CHECK(recwriter_thread_python(w, 10, 10, "MainThread") == 0);
	CHECK(recwriter_thread_python(w, 10, 11, "temp") == 0);
	sample(w, 0.1, 10, 10, 1, 2, s1);
	sample(w, 0.2, 10, 11, 2, 2, s1);
	CHECK(recwriter_thread_python(w, 10, 11, "work;er\t1") == 0);
	/* read in another process: not this thread's */
	CHECK(recwriter_thread_python(w, 99, 12, "other") == 0);
	CHECK(recwriter_thread_python(w, 10, 13, "gone") == 0);
	CHECK(recwriter_thread_python(w, 10, 13, "") == 0);
	sample(w, 0.3, 10, 12, 4, 2, s1);
	sample(w, 0.4, 10, 13, 8, 2, s1);
	CHECK(recwriter_end(w, &end) == 0);
	CHECK(recwriter_flush(w) == 0);
	recwriter_free(w);
	close(fd);
	check_fold(path, &o, 0,
		   "python3-10/10;MainThread;main;f (a.py) 1\n"
		   "python3-10/11;work:er?1;main;f (a.py) 2\n"
		   "python3-10/12;python3;main;f (a.py) 4\n"
		   "python3-10/13;python3;main;f (a.py) 8\n");
	o.tid = 0;
	check_fold(path, &o, 0, "python3;main;f (a.py) 15\n");
}

static void test_no_kernel_and_time(void)
{
	const char *path = write_recording(1);
	struct recfold_opts o = { .no_kernel = 1 };

	check_fold(path, &o, 0,
		   "[pid 300];[truncated];[libx.so] 5\n"
		   "beam.smp;jitfn_[j];fib/1 7\n"
		   "my_prog;main;work 1\n"
		   "my_prog;main;work;inl_[i] 2\n"
		   "my_prog;py (x.py);a:b? 6\n");
	o = (struct recfold_opts){ .has_from = 1, .from = 1.0, .has_to = 1,
				   .to = 2.55 };
	check_fold(path, &o, 0,
		   "beam.smp;jitfn_[j];fib/1 3\n"
		   "my_prog;main;work;inl_[i] 2\n");
	o = (struct recfold_opts){ .has_from = 1, .from = 3.25 };
	check_fold(path, &o, 0, "my_prog;py (x.py);a:b? 6\n");
	o = (struct recfold_opts){ .has_to = 1, .to = 0.5 };
	check_fold(path, &o, 0, ""); /* [from, to): 0.5 is out */
}

static void test_truncated(void)
{
	const char *path = write_recording(0);
	struct recfold_opts o = { 0 };

	/* the second block is cut: the first block's samples remain */
	check_fold(path, &o, -FE_TRUNCATED,
		   "beam.smp;jitfn_[j];fib/1 3\n"
		   "my_prog;main;work;inl_[i] 2\n"
		   "my_prog;main;work;sys_write_[k] 1\n");
}

/* Runs `flamer collapse ARGS -o OUT` in-process. */
static int run_cmd(const char *out, const char *a1, const char *a2)
{
	char *argv[8];
	int argc = 0;

	argv[argc++] = (char *)"collapse";
	argv[argc++] = (char *)"-q";
	argv[argc++] = (char *)"-o";
	argv[argc++] = (char *)out;
	if (a1)
		argv[argc++] = (char *)a1;
	if (a2)
		argv[argc++] = (char *)a2;
	argv[argc] = NULL;
	return cmd_collapse(argc, argv);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = calloc(1, 65536);

	if (f && buf)
		buf[fread(buf, 1, 65535, f)] = '\0';
	if (f)
		fclose(f);
	return buf;
}

static void test_command(void)
{
	char out[300], garbage[300];
	char *text;
	FILE *g;

	snprintf(out, sizeof out, "%s/out.folded", tmpdir);
	CHECK(run_cmd(out, write_recording(0), NULL) == FLAMER_EXIT_PARTIAL);
	text = slurp(out);
	CHECK(text && strstr(text, "my_prog;main;work;sys_write_[k] 1\n"));
	free(text);
	CHECK(run_cmd(out, "--tid", write_recording(1)) == FLAMER_EXIT_OK);
	text = slurp(out);
	CHECK(text && strstr(text, "beam.smp-200/201;1_scheduler;jitfn_[j];fib/1 3\n"));
	free(text);
	CHECK(run_cmd(out, "--from", "abc") == FLAMER_EXIT_USAGE);
	CHECK(run_cmd(out, "--format", "xml") == FLAMER_EXIT_USAGE);
	snprintf(garbage, sizeof garbage, "%s/garbage", tmpdir);
	g = fopen(garbage, "w");
	CHECK(g != NULL);
	if (g) {
		fwrite("\x89" "FLAMER\n\x01\0\0\0\0\0\0\0GARBAGEGARBAGEGARB", 1, 33, g);
		fclose(g);
	}
	CHECK(run_cmd(out, garbage, NULL) == FLAMER_EXIT_FAIL);
	g = fopen(garbage, "w");
	if (g) {
		fwrite("\x7f" "ELF\x02\x01\x01\0\0\0\0\0", 1, 12, g);
		fclose(g);
	}
	CHECK(run_cmd(out, garbage, NULL) == FLAMER_EXIT_FAIL);
}

/* ---- text parsers, fed one byte at a time and whole ---- */

static char *fold_text(int stap, const char *in, size_t chunk)
{
	struct fold *f = fold_new();
	struct perfscript *p = stap ? NULL : perfscript_new(f, NULL);
	struct stap *s = stap ? stap_new(f, 0) : NULL;
	size_t len = strlen(in), tl;
	char *text = NULL;
	FILE *m = open_memstream(&text, &tl);

	for (size_t i = 0; i < len; i += chunk) {
		size_t n = len - i < chunk ? len - i : chunk;

		CHECK((stap ? stap_feed(s, in + i, n) : perfscript_feed(p, in + i, n)) == 0);
	}
	CHECK((stap ? stap_finish(s) : perfscript_finish(p)) == 0);
	fold_write_folded(f, m);
	fclose(m);
	perfscript_free(p);
	stap_free(s);
	fold_free(f);
	return text;
}

static void test_perf_chunks(void)
{
	static const char in[] =
		"prog 12/13 1.0: 5 cpu-clock:\n"
		"\t 1a f+0x1 (/bin/prog)\n"
		"\t 2b main+0x2 (/bin/prog)\n"
		"\n"
		"prog 12/13 1.1: 5 cpu-clock:\n"
		"\tffffffff81 do_sys+0x3 ([kernel.kallsyms])\n"
		"\t 2b main+0x2 (/bin/prog)\n"
		"\n";
	const char *want = "prog;main;do_sys_[k] 5\nprog;main;f 5\n";

	for (size_t chunk = 1; chunk <= sizeof in; chunk *= 3) {
		char *got = fold_text(0, in, chunk);

		CHECK_STR(got, want);
		free(got);
	}
}

static void test_perf_limits(void)
{
	size_t big = 2u << 20;
	char *in = malloc(big + 4096), *p = in, *got;
	struct fold *f = fold_new();
	struct perfscript *ps = perfscript_new(f, NULL);
	struct perfscript_stats st;

	/* a 2 MB function name is kept whole */
	p += sprintf(p, "prog 1 1.0: 1 cpu-clock:\n\t 1 ");
	memset(p, 'x', big);
	p += big;
	p += sprintf(p, " (/bin/prog)\n\n");
	CHECK(perfscript_feed(ps, in, (size_t)(p - in)) == 0);
	/* a 100,000-frame stack is cut to the cap, not a crash */
	p = in;
	p += sprintf(p, "deep 2 1.0: 1 cpu-clock:\n");
	CHECK(perfscript_feed(ps, in, (size_t)(p - in)) == 0);
	for (int i = 0; i < 100000; i++)
		CHECK(perfscript_feed(ps, "\t 1 f (/bin/deep)\n", 18) == 0 || i < 0);
	CHECK(perfscript_feed(ps, "\n", 1) == 0);
	/* a line above the cap drops its sample */
	p = in;
	p += sprintf(p, "huge 3 1.0: 1 cpu-clock:\n\t 1 ");
	CHECK(perfscript_feed(ps, in, (size_t)(p - in)) == 0);
	for (int i = 0; i < 5; i++) {
		memset(in, 'y', big);
		CHECK(perfscript_feed(ps, in, big) == 0);
	}
	CHECK(perfscript_feed(ps, " (/bin/huge)\n\n", 14) == 0);
	/* binary garbage: unrecognised lines, no crash */
	for (size_t i = 0; i < 65536; i++)
		in[i] = (char)(i * 2654435761u >> 13);
	CHECK(perfscript_feed(ps, in, 65536) == 0);
	CHECK(perfscript_finish(ps) == 0);
	perfscript_get_stats(ps, &st);
	CHECK(st.samples == 2);
	CHECK(st.truncated == 1);
	CHECK(st.dropped == 1);
	CHECK(st.unrecognized > 0);
	CHECK(fold_count(f) == 2);
	got = NULL;
	{
		size_t n;
		struct fold_entry *e = fold_sorted(f, &n, &(int){ 0 });

		CHECK(n == 2);
		if (n == 2) {
			CHECK(e[0].len == PERFSCRIPT_MAX_FRAMES * 2 + 4); /* "deep" + ";f" x cap */
			CHECK(e[1].len == 5 + big);
		}
		free(e);
	}
	free(got);
	perfscript_free(ps);
	fold_free(f);
	free(in);
}

static void test_stap_chunks(void)
{
	static const char in[] =
		" 0xffffffff81000010 : sys_read+0x10/0x40 [kernel]\n"
		" 0x400010 : leaf+0x1/0x8 [/bin/a]\n"
		" 0x400020 : main+0x1/0x8 [/bin/a]\n"
		"\t12\n"
		" 0x400020 : main+0x1/0x8 [/bin/a]\n"
		"\t3\n";
	const char *want = "main 3\nmain;leaf;sys_read_[k] 12\n";

	for (size_t chunk = 1; chunk <= sizeof in; chunk *= 2) {
		char *got = fold_text(1, in, chunk);

		CHECK_STR(got, want);
		free(got);
	}
}

static int count_lines(void *ctx, const char *line, size_t len)
{
	int *n = ctx;

	n[line ? 0 : 1]++;
	n[2] += (int)len;
	return 0;
}

static void test_linebuf(void)
{
	int n[3] = { 0 };
	struct linebuf *lb = linebuf_new(8, count_lines, n);

	CHECK(lb != NULL);
	CHECK(linebuf_feed(lb, "abc\nde", 6) == 0);
	CHECK(linebuf_feed(lb, "f\n0123456789abc", 15) == 0); /* overlong */
	CHECK(linebuf_feed(lb, "def\nlast", 8) == 0);
	CHECK(linebuf_finish(lb) == 0);
	CHECK(n[0] == 3 && n[1] == 1 && n[2] == 3 + 3 + 4);
	CHECK(linebuf_dropped(lb) == 1);
	linebuf_free(lb);
}

#define TESTS(X)                                                            \
	X(test_roots_and_kinds)                                             \
	X(test_pid_tid)                                                     \
	X(test_python_thread_names)                                         \
	X(test_no_kernel_and_time)                                          \
	X(test_truncated)                                                   \
	X(test_plumbing)                                                    \
	X(test_locations)                                                   \
	X(test_erlang_processes)                                            \
	X(test_command)                                                     \
	X(test_perf_chunks)                                                 \
	X(test_perf_limits)                                                 \
	X(test_stap_chunks)                                                 \
	X(test_linebuf)

static void run_all(void)
{
	if (!mkdtemp(tmpdir)) {
		perror("mkdtemp");
		exit(1);
	}
	TESTS(CHECK_RUN_)
	{
		char cmd[300];

		snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
		if (system(cmd) != 0)
			fprintf(stderr, "could not remove %s\n", tmpdir);
	}
}

#define ALL(X) X(run_all)
CHECK_MAIN(ALL)
