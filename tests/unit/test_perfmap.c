/* Unit tests for unwind/perfmap (JIT perf-map symbols) and unwind/beam.
 *
 * Run without arguments: the unit tests.  tests/beam/t_*.sh also use this
 * binary as a probe on live maps:
 *   test_perfmap --names PID UID          "count N bad N" of the map
 *   test_perfmap --lookup PID UID ADDR... "kind name" per ADDR ("none",
 *                                         exit 1 if one is missing)
 *   test_perfmap --open PID UID         exit 0 / print the refusal reason
 *   test_perfmap --beam PID             is_beam, has_map and the advice
 */
#include "check.h"

#include "../../common/error.h"
#include "../../common/num.h"
#include "../../unwind/beam.h"
#include "../../profiler/procfs.h"
#include "../../unwind/perfmap.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static struct perfmap *parse(const char *s)
{
	struct perfmap *m = NULL;

	CHECK(perfmap_parse_mem(s, strlen(s), &m) == 0 && m);
	return m;
}

static const char *name_at(struct perfmap *m, uint64_t addr,
			   enum frame_kind *kind)
{
	const char *name = NULL;

	if (perfmap_lookup(m, addr, &name, kind) != 0)
		return "(none)";
	return name;
}

static void test_formats(void)
{
	struct perfmap *m = parse(
		"0x7f03d25c0f70 f0 $fibm:fib/1\n"
		"0x7f03d25c0f40 30 $fibm:fib/1-CodeInfoPrologue\n"
		"0x7f03d25c0e60 e0 $fibm::codeHeader\n"
		"7f0000001000 100 LazyCompile:*foo bar.js:1\n"
		"0X7F0000002000 0X10 upper\n"
		"0x7f03d2500000 68 $global::apply_fun_shared\n"
		"0x7f03d2600000 40 $'Elixir.MyApp.Worker':run/2\n"
		"0x7f03d2600100 40 $'Elixir.MyApp.Worker':'__info__'/1\n"
		"0x7f03d2600200 40 $erl_init:'-start/2-fun-0-'/0\n"
		"0x7f03d2600300 40 $'my mod':'f\\'x'/3\n"
		"0x7f03d2600400 40 $weird\n"
		"0x7f03d2600500 40 $'Elixir.Enum':map/2-CodeInfoPrologue\r\n"
		"0x7f03d2600600 40 $'Elixir.A':bad/x\n"
		"0x7f03d2600700 40 $'Elixir.Work':'-sums/1-fun-0-'/2\n"
		"0x7f03d2600800 40 $'Elixir.Kernel.CLI':'-exec_fun/2-fun-0-'/3\n"
		"0x7f03d2600900 40 $'Elixir.Enum':'-map/2-lists^map/1-0-'/2\n"
		"0x7f03d2600a00 40 $'Elixir.A':'-a/b/0-fun-1-'/0\n"
		"0x7f03d2600b00 40 $'Elixir.A':'-f/1-fun-0-x'/1\n");
	enum frame_kind k = FK_MAX_;

	CHECK_STR(name_at(m, 0x7f03d25c0f70, &k), "fibm:fib/1");
	CHECK(k == FK_ERLANG);
	CHECK_STR(name_at(m, 0x7f03d25c105f, &k), "fibm:fib/1");
	CHECK_STR(name_at(m, 0x7f03d25c0f40, &k), "fibm:fib/1");
	CHECK(k == FK_ERLANG);
	CHECK_STR(name_at(m, 0x7f03d25c1060, &k), "(none)");
	CHECK_STR(name_at(m, 0x7f03d25c0e70, &k), "fibm::codeHeader");
	CHECK(k == FK_JIT);
	CHECK_STR(name_at(m, 0x7f00000010ff, &k), "LazyCompile:*foo bar.js:1");
	CHECK(k == FK_JIT);
	CHECK_STR(name_at(m, 0x7f0000002008, &k), "upper");
	CHECK_STR(name_at(m, 0x7f03d2500010, &k), "apply_fun_shared");
	CHECK(k == FK_JIT);
	CHECK_STR(name_at(m, 0x7f03d2600000, &k), "MyApp.Worker.run/2");
	CHECK(k == FK_ERLANG);
	CHECK_STR(name_at(m, 0x7f03d2600100, &k), "MyApp.Worker.__info__/1");
	CHECK_STR(name_at(m, 0x7f03d2600200, &k),
		  "erl_init:'-start/2-fun-0-'/0");
	CHECK(k == FK_ERLANG);
	CHECK_STR(name_at(m, 0x7f03d2600300, &k), "'my mod':'f\\'x'/3");
	CHECK_STR(name_at(m, 0x7f03d2600400, &k), "weird");
	CHECK(k == FK_JIT);
	CHECK_STR(name_at(m, 0x7f03d2600510, &k), "Enum.map/2");
	CHECK_STR(name_at(m, 0x7f03d2600600, &k), "'Elixir.A':bad/x");
	CHECK(k == FK_JIT);
	/* anonymous functions as Elixir names them; other compiler-made
	 * names (a list comprehension's) as they are */
	CHECK_STR(name_at(m, 0x7f03d2600700, &k), "anonymous fn/2 in Work.sums/1");
	CHECK(k == FK_ERLANG);
	CHECK_STR(name_at(m, 0x7f03d2600800, &k),
		  "anonymous fn/3 in Kernel.CLI.exec_fun/2");
	CHECK_STR(name_at(m, 0x7f03d2600900, &k), "Enum.-map/2-lists^map/1-0-/2");
	CHECK_STR(name_at(m, 0x7f03d2600a00, &k), "anonymous fn/0 in A.a/b/0");
	CHECK_STR(name_at(m, 0x7f03d2600b00, &k), "A.-f/1-fun-0-x/1");
	CHECK(perfmap_bad_lines(m) == 0);
	CHECK(perfmap_lookup(m, 0, NULL, NULL) == -FE_NO_SYMBOL);
	CHECK(perfmap_lookup(m, UINT64_MAX, NULL, NULL) == -FE_NO_SYMBOL);
	perfmap_free(m);
}

static void test_bad_lines(void)
{
	char *big = malloc(3 * PERFMAP_MAX_LINE);
	struct perfmap *m;
	size_t n;

	m = parse("zz 10 a\n"            /* bad start */
		  "0x1000 10\n"          /* no name */
		  "0x1000 10 \n"         /* empty name */
		  "0x1000\n"             /* one field */
		  "0x1000 zz a\n"        /* bad size */
		  "0x 10 a\n"            /* 0x without digits */
		  "0x10000000000000000 10 a\n" /* 17 digits */
		  "0xffffffffffffff00 200 wrap\n"
		  "0x2000 10 ctl\001x\n" /* control character */
		  "0x2000 0 empty-range\n" /* ignored, not bad */
		  "\n"
		  "0x3000 10 good\n"
		  "0x4000 10 last-without-newline");
	CHECK(perfmap_bad_lines(m) == 9);
	CHECK_STR(name_at(m, 0x3000, NULL), "good");
	CHECK_STR(name_at(m, 0x400f, NULL), "last-without-newline");
	CHECK_STR(name_at(m, 0x2000, NULL), "(none)");
	CHECK(perfmap_count(m) == 2);
	perfmap_free(m);

	/* A huge name is one bad line; the lines around it still count. */
	n = (size_t)snprintf(big, 64, "0x1000 10 a\n0x2000 10 ");
	memset(big + n, 'x', 2 * PERFMAP_MAX_LINE);
	n += 2 * PERFMAP_MAX_LINE;
	n += (size_t)sprintf(big + n, "\n0x3000 10 c");
	CHECK(perfmap_parse_mem(big, n, &m) == 0);
	CHECK(perfmap_bad_lines(m) == 1 && perfmap_count(m) == 2);
	CHECK_STR(name_at(m, 0x3000, NULL), "c");
	perfmap_free(m);

	/* A line just under the limit is kept. */
	n = (size_t)sprintf(big, "0x1000 10 ");
	memset(big + n, 'y', PERFMAP_MAX_LINE - 1 - n);
	n = PERFMAP_MAX_LINE - 1;
	big[n++] = '\n';
	CHECK(perfmap_parse_mem(big, n, &m) == 0);
	CHECK(perfmap_bad_lines(m) == 0 && perfmap_count(m) == 1);
	perfmap_free(m);

	/* Binary garbage, NULs included: never a crash. */
	srand(7);
	for (size_t i = 0; i < 3 * PERFMAP_MAX_LINE; i++)
		big[i] = (char)(rand() & 0xff);
	CHECK(perfmap_parse_mem(big, 3 * PERFMAP_MAX_LINE, &m) == 0);
	CHECK(perfmap_bad_lines(m) > 0);
	perfmap_free(m);
	free(big);
}

/* Later entries win where they overlap earlier ones. */
static void test_overlap(void)
{
	struct perfmap *m = parse("0x1000 100 old\n"
				  "0x1040 10 new\n"
				  "0x1000 10 dup-old\n"
				  "0x1000 10 dup-new\n"
				  "0x0f00 200 cover-late\n"
				  "0x5000 10 b\n"
				  "0x4000 10 a\n");

	CHECK_STR(name_at(m, 0x1000, NULL), "cover-late");
	CHECK_STR(name_at(m, 0x1045, NULL), "cover-late");
	perfmap_free(m);

	m = parse("0x1000 100 old\n0x1040 10 new\n0x1000 10 dup-old\n"
		  "0x1000 10 dup-new\n0x5000 10 b\n0x4000 10 a\n");
	CHECK_STR(name_at(m, 0x1000, NULL), "dup-new");
	CHECK_STR(name_at(m, 0x100f, NULL), "dup-new");
	CHECK_STR(name_at(m, 0x1010, NULL), "old");
	CHECK_STR(name_at(m, 0x1045, NULL), "new");
	CHECK_STR(name_at(m, 0x1050, NULL), "old");
	CHECK_STR(name_at(m, 0x10ff, NULL), "old");
	CHECK_STR(name_at(m, 0x1100, NULL), "(none)");
	CHECK_STR(name_at(m, 0x4005, NULL), "a");
	CHECK_STR(name_at(m, 0x5005, NULL), "b");
	CHECK(perfmap_count(m) == 6);
	perfmap_free(m);
}

/* Many entries: lookups by binary search agree with the input. */
static void test_many(void)
{
	size_t n = 50000, len = 0;
	char *buf = malloc(n * 40);
	struct perfmap *m = NULL;
	int wrong = 0;

	for (size_t i = 0; i < n; i++) /* written in a shuffled order */
		len += (size_t)sprintf(buf + len, "%zx 20 f%zu\n",
				       0x100000 + ((i * 7919) % n) * 0x40,
				       (i * 7919) % n);
	CHECK(perfmap_parse_mem(buf, len, &m) == 0);
	CHECK(perfmap_count(m) == n);
	for (size_t i = 0; i < n; i++) {
		char want[32];

		snprintf(want, sizeof want, "f%zu", i);
		wrong += strcmp(name_at(m, 0x100000 + i * 0x40 + 0x1f, NULL),
				want) != 0;
		wrong += perfmap_lookup(m, 0x100000 + i * 0x40 + 0x20, NULL,
					NULL) != -FE_NO_SYMBOL;
	}
	CHECK(wrong == 0);
	perfmap_free(m);
	free(buf);
}

static void write_str(int fd, const char *s)
{
	CHECK(write(fd, s, strlen(s)) == (ssize_t)strlen(s));
}

/* A map on disk that grows, with a half-written line. */
static void test_file_refresh(void)
{
	char path[64];
	struct perfmap *m = NULL;
	const char *name = NULL, *why = NULL;
	int fd;

	perfmap_path(getpid(), path, sizeof path);
	unlink(path);
	CHECK(perfmap_open(getpid(), getuid(), &m) == -ENOENT && !m);
	fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0644);
	CHECK(fd >= 0);
	write_str(fd, "0x1000 10 $m:a/0\n0x2000 10 $m:b");
	{
		/* last written an hour before this process started: an
		 * earlier process's map (the pid was reused), not read */
		struct timespec old[2] = { { time(NULL) - 3600, 0 },
					   { time(NULL) - 3600, 0 } };

		CHECK(futimens(fd, old) == 0);
		uint64_t started = procfs_start_ns(getpid()),
			 now = (uint64_t)time(NULL) * 1000000000ull;

		/* this process started a moment ago: its start time */
		CHECK(started <= now + 1000000000ull &&
		      started + 60000000000ull >= now);
		CHECK(procfs_start_ns(-1) == 0);

		CHECK(perfmap_open_why(getpid(), getuid(), started, &m, NULL) ==
			      -ESTALE && !m);
		CHECK(futimens(fd, NULL) == 0); /* written now */
		CHECK(perfmap_open_why(getpid(), getuid(), started, &m, NULL) ==
			      0 && m);
		perfmap_free(m);
		m = NULL;
	}
	CHECK(perfmap_open(getpid(), getuid(), &m) == 0 && m);
	if (!m)
		goto out;
	CHECK_STR(name_at(m, 0x1000, NULL), "m:a/0");
	name = name_at(m, 0x1000, NULL);
	CHECK_STR(name_at(m, 0x2000, NULL), "(none)"); /* half a line */
	write_str(fd, "/1\n0x3000 10 $m:c/2\n");
	CHECK(perfmap_refresh(m) == 0);
	CHECK_STR(name_at(m, 0x2000, NULL), "m:b/1");
	CHECK_STR(name_at(m, 0x3000, NULL), "m:c/2");
	CHECK(perfmap_refresh(m) == 0); /* nothing new */
	CHECK_STR(name_at(m, 0x3000, NULL), "m:c/2");
	CHECK_STR(name, "m:a/0"); /* borrowed names survive refreshes */
	perfmap_free(m);
	m = NULL;

	if (getuid() == 0) { /* ownership: another user's map is refused */
		CHECK(fchown(fd, 65534, 65534) == 0);
		CHECK(perfmap_open_why(getpid(), 0, 0, &m, &why) == -EPERM && !m);
		CHECK_STR(why, "not owned by the target's user or root");
		CHECK(perfmap_open(getpid(), 65534, &m) == 0);
		perfmap_free(m);
		m = NULL;
		CHECK(fchown(fd, 0, 0) == 0);
		CHECK(perfmap_open(getpid(), 65534, &m) == 0); /* root's */
		perfmap_free(m);
		m = NULL;
	}
	close(fd);
	unlink(path);

	/* A symlink and a FIFO are refused, and the FIFO does not block. */
	CHECK(symlink("/etc/passwd", path) == 0);
	why = NULL;
	CHECK(perfmap_open_why(getpid(), getuid(), 0, &m, &why) == -EPERM);
	CHECK(why != NULL);
	unlink(path);
	CHECK(mkfifo(path, 0644) == 0);
	CHECK(perfmap_open_why(getpid(), getuid(), 0, &m, &why) == -EPERM);
	CHECK_STR(why, "not a regular file");
out:
	unlink(path);
}

static void test_beam_helpers(void)
{
	char buf[256];

	CHECK(beam_is_beam(getpid()) == 0);
	CHECK(beam_is_beam(-1) < 0);
	CHECK(beam_advice(buf, sizeof buf) > 0);
	CHECK(strstr(buf, "+JPperf map") != NULL);
	CHECK(strstr(buf, "ELIXIR_ERL_OPTIONS") != NULL);
	CHECK(beam_thread_class("1_scheduler") == BEAM_THREAD_SCHEDULER);
	CHECK(beam_thread_class("12_scheduler") == BEAM_THREAD_SCHEDULER);
	CHECK(beam_thread_class("1_dirty_cpu_sch") == BEAM_THREAD_DIRTY_CPU);
	CHECK(beam_thread_class("10_dirty_io_sch") == BEAM_THREAD_DIRTY_IO);
	CHECK(beam_thread_class("1_dirty_io_sche") == BEAM_THREAD_DIRTY_IO);
	CHECK(beam_thread_class("async_1") == BEAM_THREAD_ASYNC);
	CHECK(beam_thread_class("0_poller") == BEAM_THREAD_POLLER);
	CHECK(beam_thread_class("beam.smp") == BEAM_THREAD_MAIN);
	CHECK(beam_thread_class("sys_msg_dispatc") == BEAM_THREAD_OTHER);
	CHECK(beam_thread_class("x_scheduler") == BEAM_THREAD_OTHER);
	CHECK(beam_thread_class("_scheduler") == BEAM_THREAD_OTHER);
}

#define TESTS(X) X(test_formats) X(test_bad_lines) X(test_overlap) \
	X(test_many) X(test_file_refresh) X(test_beam_helpers)

static int probe_open(const char *pids, const char *uids,
		      struct perfmap **m)
{
	uint64_t pid, uid;
	const char *why = "";
	int err;

	if (num_parse_u64(pids, 1, INT32_MAX, &pid) ||
	    num_parse_u64(uids, 0, UINT32_MAX, &uid))
		return 2;
	err = perfmap_open_why((pid_t)pid, (uid_t)uid, 0, m, &why);
	if (err) {
		printf("refused: %s%s%s\n", flamer_strerror(err),
		       err == -EPERM ? ": " : "", err == -EPERM ? why : "");
		return 1;
	}
	return 0;
}

static const char *kind_name(enum frame_kind k)
{
	return k == FK_ERLANG ? "erlang" : "jit";
}

static int probe(int argc, char **argv)
{
	struct perfmap *m = NULL;
	const char *name;
	enum frame_kind k;
	uint64_t addr, pid;
	char buf[512];
	int rc;

	if (argc == 3 && !strcmp(argv[1], "--beam")) {
		if (num_parse_u64(argv[2], 1, INT32_MAX, &pid))
			return 2;
		printf("is_beam %d\nhas_map %d\n", beam_is_beam((pid_t)pid),
		       beam_has_perfmap((pid_t)pid));
		beam_advice(buf, sizeof buf);
		printf("advice %s\n", buf);
		return 0;
	}
	if (argc < 4)
		return 2;
	rc = probe_open(argv[2], argv[3], &m);
	if (rc)
		return rc;
	if (!strcmp(argv[1], "--names")) {
		printf("count %zu bad %zu\n", perfmap_count(m),
		       perfmap_bad_lines(m));
	} else if (!strcmp(argv[1], "--lookup")) {
		for (int i = 4; i < argc; i++) {
			if (num_parse_u64(argv[i], 0, UINT64_MAX, &addr) ||
			    perfmap_lookup(m, addr, &name, &k)) {
				printf("none\n");
				rc = 1;
				continue;
			}
			printf("%s %s\n", kind_name(k), name);
		}
	}
	perfmap_free(m);
	return rc;
}

int main(int argc, char **argv)
{
	if (argc > 1)
		return probe(argc, argv);
	TESTS(CHECK_RUN_)
	printf("%d passed, %d failed\n", check_passed, check_failed);
	return check_failed ? 1 : 0;
}
