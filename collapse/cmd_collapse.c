/* cmd_collapse.c - `flamer collapse`: any supported input to collapsed
 * stacks, speedscope JSON or pprof. */
#include "../commands.h"
#include "../common/error.h"
#include "../common/log.h"
#include "../common/num.h"
#include "../common/outfile.h"
#include "fold.h"
#include "foldedin.h"
#include "perfscript.h"
#include "pprof.h"
#include "recfold.h"
#include "../recording/recreader.h"
#include "speedscope.h"
#include "stap.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define READ_CHUNK (1u << 20)
#define DETECT_BYTES 65536u

enum input { IN_AUTO, IN_PERF, IN_STAP, IN_FOLDED, IN_FLAMER };
enum format { OUT_FOLDED, OUT_SPEEDSCOPE, OUT_PPROF };

struct env {
	const char *path, *out;
	enum input input;
	enum format format;
	struct recfold_opts ro;
};

static const char usage[] =
	"usage: flamer collapse [OPTIONS] [FILE]\n"
	"\n"
	"Folds FILE (default flamer.data; - = stdin) into collapsed stacks\n"
	"\"root;frame;...;leaf count\", one line per unique stack, sorted.\n"
	"FILE may be a flamer recording, `perf script` output, SystemTap\n"
	"print_ustack/print_backtrace blocks with counts, or collapsed stacks;\n"
	"the kind is detected.\n"
	"\n"
	"Options:\n"
	"  --input KIND    perf|stap|folded|flamer: do not detect\n"
	"  --format FMT    folded (default), speedscope (JSON), pprof (gzipped\n"
	"                  profile.proto)\n"
	"  -o FILE         write to FILE instead of stdout\n"
	"  --pid           root frame \"procname-PID\"\n"
	"  --tid           root frame \"procname-PID/TID\", then the thread name\n"
	"                  (recordings; perf input: as stackcollapse-perf.pl)\n"
	"  --no-kernel     drop kernel frames\n"
	"  --native-all    recordings: keep every native frame of Python\n"
	"                  stacks; by default the interpreter's call plumbing\n"
	"                  between Python frames (call_function,\n"
	"                  _PyEval_Vector, PyObject_Vectorcall, ...) is left\n"
	"                  out, so stacks read the same on every version\n"
	"  --python-only   recordings: Python stacks keep only Python, kernel\n"
	"                  and [truncated]/[invalid] frames\n"
	"  --erlang-processes  recordings of Erlang VMs: a frame for the\n"
	"                  Erlang process of each sample right under the\n"
	"                  thread (or process) frame: \"name <0.N.S>\" for a\n"
	"                  registered process, else \"<0.N.S>\" (read at the\n"
	"                  sample by BPF, as root; other samples get none;\n"
	"                  folded and speedscope output, not pprof)\n"
	"  --off-cpu       recordings made with --off-cpu: only the off-CPU\n"
	"                  intervals, weighted in microseconds, each stack\n"
	"                  ending in an [off-cpu] frame\n"
	"  --wall          on-CPU and off-CPU stacks together, in microseconds\n"
	"                  (a CPU sample counts its sampling period): a\n"
	"                  thread's total is its wall time\n"
	"                  (pprof always holds samples, cpu and, for an\n"
	"                  --off-cpu recording, off_cpu and wall values;\n"
	"                  --off-cpu/--wall choose the one shown first)\n"
	"  --from SEC      recordings: only samples at or after SEC seconds from\n"
	"                  the start (fractions allowed)\n"
	"  --to SEC        recordings: only samples before SEC seconds\n"
	"  -q              no notes on stderr\n"
	"  -h, --help      this text\n"
	"\n"
	"Examples:\n"
	"  flamer collapse | flamer svg > out.svg\n"
	"  perf script | flamer collapse - > out.folded\n"
	"  flamer collapse --tid --from 2.5 --to 5 flamer.data\n"
	"  flamer collapse --format pprof -o prof.pb.gz\n"
	"\n"
	"Exit: 0 ok, 1 failed, 2 usage, 3 partial (truncated recording).\n";

static int parse_args(int argc, char **argv, struct env *env)
{
	static const struct option longopts[] = {
		{ "input", required_argument, NULL, 'I' },
		{ "format", required_argument, NULL, 'F' },
		{ "pid", no_argument, NULL, 'P' },
		{ "tid", no_argument, NULL, 'T' },
		{ "no-kernel", no_argument, NULL, 'K' },
		{ "native-all", no_argument, NULL, 'N' },
		{ "python-only", no_argument, NULL, 'Y' },
		{ "erlang-processes", no_argument, NULL, 'E' },
		{ "off-cpu", no_argument, NULL, 'O' },
		{ "wall", no_argument, NULL, 'W' },
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	optind = 1;
	opterr = 0; /* one line of our own instead of getopt's message */
	while ((c = getopt_long(argc, argv, "o:qh", longopts, NULL)) != -1) {
		switch (c) {
		case 'I':
			if (!strcmp(optarg, "perf")) env->input = IN_PERF;
			else if (!strcmp(optarg, "stap")) env->input = IN_STAP;
			else if (!strcmp(optarg, "folded")) env->input = IN_FOLDED;
			else if (!strcmp(optarg, "flamer")) env->input = IN_FLAMER;
			else {
				fl_error("--input", "'%s' is not one of perf, stap, folded, flamer", optarg);
				return -1;
			}
			break;
		case 'F':
			if (!strcmp(optarg, "folded")) env->format = OUT_FOLDED;
			else if (!strcmp(optarg, "speedscope")) env->format = OUT_SPEEDSCOPE;
			else if (!strcmp(optarg, "pprof")) env->format = OUT_PPROF;
			else {
				fl_error("--format", "'%s' is not one of folded, speedscope, pprof", optarg);
				return -1;
			}
			break;
		case 'o': env->out = optarg; break;
		case 'q': fl_quiet = true; break;
		case 'P': env->ro.pid = 1; break;
		case 'T': env->ro.tid = 1; break;
		case 'K': env->ro.no_kernel = 1; break;
		case 'E': env->ro.erlang_processes = 1; break;
		case 'N':
		case 'Y': {
			enum recfold_frames fr = c == 'N' ? RECFOLD_NATIVE_ALL
							  : RECFOLD_PYTHON_ONLY;

			if (env->ro.frames && env->ro.frames != fr) {
				fl_error("--native-all/--python-only", "choose one");
				return -1;
			}
			env->ro.frames = fr;
			break;
		}
		case 'O':
		case 'W': {
			enum recfold_mode m = c == 'O' ? RECFOLD_OFFCPU : RECFOLD_WALL;

			if (env->ro.mode && env->ro.mode != m) {
				fl_error("--off-cpu/--wall", "choose one");
				return -1;
			}
			env->ro.mode = m;
			break;
		}
		case 'f':
		case 't': {
			double v;
			int err = num_parse_double(optarg, 0, 1e9, &v);

			if (err) {
				fl_error(c == 'f' ? "--from" : "--to", "'%s': %s",
					 optarg, flamer_strerror(err));
				return -1;
			}
			if (c == 'f') {
				env->ro.has_from = 1;
				env->ro.from = v;
			} else {
				env->ro.has_to = 1;
				env->ro.to = v;
			}
			break;
		}
		case 'h':
			fputs(usage, stdout);
			return 1;
		default:
			if (optopt && optopt < 256)
				fl_error("collapse", "unknown or incomplete option "
					 "'-%c' (try 'flamer collapse --help')",
					 optopt);
			else
				fl_error("collapse", "unknown or incomplete option "
					 "'%s' (try 'flamer collapse --help')",
					 argv[optind - 1]);
			return -1;
		}
	}
	if (optind < argc)
		env->path = argv[optind++];
	if (optind < argc) {
		fl_error(argv[optind], "only one input file is read");
		return -1;
	}
	if (env->ro.has_from && env->ro.has_to && env->ro.to <= env->ro.from) {
		fl_error("--to", "must be after --from");
		return -1;
	}
	return 0;
}

/* ---- detection ---- */

static int is_blank(unsigned char c)
{
	return c == ' ' || (c >= '\t' && c <= '\r');
}

/* Looks at the first lines of a text input. */
static enum input detect_text(const char *buf, size_t len)
{
	size_t pos = 0;

	for (int lines = 0; pos < len && lines < 1000; lines++) {
		const char *nl = memchr(buf + pos, '\n', len - pos);
		size_t end = nl ? (size_t)(nl - buf) : len, i = pos, j;
		while (i < end && is_blank((unsigned char)buf[i]))
			i++;
		if (i == end || buf[pos] == '#') {
			pos = end + 1;
			continue;
		}
		if (end - i >= 2 && buf[i] == '0' && buf[i + 1] == 'x')
			return IN_STAP;
		for (j = i; j < end && ((buf[j] >= '0' && buf[j] <= '9') ||
					(buf[j] >= 'a' && buf[j] <= 'f'));)
			j++;
		if (i > pos) /* indented: a frame line */
			return j > i && j < end && buf[j] == ' ' ? IN_PERF : IN_STAP;
		/* not indented: a collapsed line ends in a number, a perf
		 * sample header in "event:" */
		for (j = end; j > i && is_blank((unsigned char)buf[j - 1]);)
			j--;
		if (j > i && buf[j - 1] == ':')
			return IN_PERF;
		while (j > i && ((buf[j - 1] >= '0' && buf[j - 1] <= '9') ||
				 buf[j - 1] == '.' || buf[j - 1] == 'e' ||
				 buf[j - 1] == 'E' || buf[j - 1] == '+' ||
				 buf[j - 1] == '-'))
			j--;
		if (j > i && j < end && buf[j - 1] == ' ')
			return IN_FOLDED;
		return IN_PERF;
	}
	return IN_FOLDED;
}

/* ---- text inputs through one interface ---- */

struct textin {
	void *p;
	int (*feed)(void *p, const char *buf, size_t len);
	int (*finish)(void *p);
	void (*report)(void *p, const char *what);
	void (*free)(void *p);
};

static int perf_feed(void *p, const char *b, size_t n) { return perfscript_feed(p, b, n); }
static int perf_finish(void *p) { return perfscript_finish(p); }
static void perf_free(void *p) { perfscript_free(p); }
static int stap_feed_(void *p, const char *b, size_t n) { return stap_feed(p, b, n); }
static int stap_finish_(void *p) { return stap_finish(p); }
static void stap_free_(void *p) { stap_free(p); }
static int fold_feed_(void *p, const char *b, size_t n) { return foldedin_feed(p, b, n); }
static int fold_finish_(void *p) { return foldedin_finish(p); }
static void fold_free_(void *p) { foldedin_free(p); }

static void perf_report(void *p, const char *what)
{
	struct perfscript_stats s;

	perfscript_get_stats(p, &s);
	if (s.other_events)
		fl_note(what, "kept only events of type '%s' (the first seen); "
			"skipped %llu samples of other types such as '%s'",
			s.event, (unsigned long long)s.other_events, s.other);
	if (s.unrecognized)
		fl_warn(what, "%llu lines not recognised as perf script output",
			(unsigned long long)s.unrecognized);
	if (s.dropped)
		fl_warn(what, "%llu samples dropped: a line longer than %u bytes",
			(unsigned long long)s.dropped, PERFSCRIPT_MAX_LINE);
	if (s.truncated)
		fl_warn(what, "%llu stacks cut to their %u innermost frames",
			(unsigned long long)s.truncated, PERFSCRIPT_MAX_FRAMES);
}

static void stap_report(void *p, const char *what)
{
	struct stap_stats s;

	stap_get_stats(p, &s);
	if (s.incomplete)
		fl_warn(what, "%llu stacks without a count line skipped",
			(unsigned long long)s.incomplete);
	if (s.dropped)
		fl_warn(what, "%llu lines longer than %u bytes dropped with their stack",
			(unsigned long long)s.dropped, STAP_MAX_LINE);
	if (s.truncated)
		fl_warn(what, "%llu stacks cut to their %u innermost frames",
			(unsigned long long)s.truncated, STAP_MAX_FRAMES);
	if (s.bad_counts)
		fl_warn(what, "%llu counts out of range skipped with their stack",
			(unsigned long long)s.bad_counts);
}

static void fold_report(void *p, const char *what)
{
	struct foldedin_stats s;

	foldedin_get_stats(p, &s);
	if (s.bad_lines)
		fl_warn(what, "%llu malformed lines skipped",
			(unsigned long long)s.bad_lines);
	if (s.dropped)
		fl_warn(what, "%llu lines longer than %u bytes skipped",
			(unsigned long long)s.dropped, FOLDEDIN_MAX_LINE);
}

static int textin_open(struct textin *t, enum input in, struct fold *f,
		       const struct env *env)
{
	struct perfscript_opts po = { env->ro.pid, env->ro.tid, env->ro.no_kernel };

	memset(t, 0, sizeof *t);
	switch (in) {
	case IN_PERF:
		*t = (struct textin){ perfscript_new(f, &po), perf_feed,
				      perf_finish, perf_report, perf_free };
		break;
	case IN_STAP:
		*t = (struct textin){ stap_new(f, env->ro.no_kernel), stap_feed_,
				      stap_finish_, stap_report, stap_free_ };
		break;
	default:
		*t = (struct textin){ foldedin_new(f, env->ro.no_kernel),
				      fold_feed_, fold_finish_, fold_report,
				      fold_free_ };
		break;
	}
	return t->p ? 0 : -ENOMEM;
}

/* Reads up to len bytes, retrying short reads. Returns bytes or -errno. */
static ssize_t read_full(int fd, char *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = read(fd, buf + got, len - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			break;
		got += (size_t)n;
	}
	return (ssize_t)got;
}

/* Streams the rest of fd (after the first n bytes already in buf). */
static int run_text(struct textin *t, int fd, char *buf, size_t n)
{
	int err = t->feed(t->p, buf, n);

	while (!err) {
		ssize_t got = read_full(fd, buf, READ_CHUNK);

		if (got < 0)
			return (int)got;
		if (got == 0)
			break;
		err = t->feed(t->p, buf, (size_t)got);
	}
	return err ? err : t->finish(t->p);
}

/* ---- recordings ---- */

static int run_recording(const struct env *env, struct fold *f, int fd,
			 char *buf, size_t n, const char *what)
{
	struct recfold_stats st;
	struct recreader *r;
	char *mem = NULL;
	int err;

	if (fd == STDIN_FILENO) {
		/* already read from the pipe: take the rest into memory */
		size_t cap = n, len = n;

		mem = malloc(cap ? cap : 1);
		if (!mem)
			return -ENOMEM;
		memcpy(mem, buf, n);
		for (;;) {
			ssize_t got;

			if (len == cap) {
				char *nm = realloc(mem, cap * 2);

				if (!nm) {
					free(mem);
					return -ENOMEM;
				}
				mem = nm;
				cap *= 2;
			}
			got = read_full(fd, mem + len, cap - len);
			if (got < 0) {
				free(mem);
				return (int)got;
			}
			if (got == 0)
				break;
			len += (size_t)got;
		}
		r = recreader_open_mem(mem, len, &err);
	} else {
		r = recreader_open(env->path, &err);
	}
	if (r) {
		struct recfold_opts ro = env->ro;

		ro.timeline = env->format == OUT_SPEEDSCOPE;
		ro.locations = env->format == OUT_PPROF;
		/* pprof keeps CPU samples and off-CPU time as values of their
		 * own; --off-cpu/--wall only choose the one shown first */
		if (env->format == OUT_PPROF)
			ro.mode = RECFOLD_SPLIT;
		err = recfold_run(r, f, &ro, &st);
		recreader_free(r);
		if (st.lost)
			fl_note(what, "the recording lost %llu samples (the "
				"kernel's ring buffer overflowed)",
				(unsigned long long)st.lost);
		if (st.filtered && !st.samples)
			fl_warn(what, "no samples between --from and --to");
		if (env->ro.mode != RECFOLD_CPU && !st.offcpu && !err) {
			/* pprof would open on a type it does not have */
			if (env->format == OUT_PPROF) {
				fl_error(what, "no off-CPU intervals for %s: "
					 "recorded without --off-cpu",
					 env->ro.mode == RECFOLD_OFFCPU ?
						"--off-cpu" : "--wall");
				err = 1; /* printed */
			} else {
				fl_warn(what, "no off-CPU intervals: recorded "
					"without --off-cpu");
			}
		}
		if (err == -FE_CORRUPT && env->ro.mode == RECFOLD_WALL &&
		    !st.samples)
			fl_warn(what, "--wall needs the recording's sampling "
				"frequency (META frequency), absent");
	}
	free(mem);
	return err;
}

/* ---- output ---- */

static int write_output(const struct env *env, const struct fold *f)
{
	int err;
	struct outfile *of = outfile_open(env->out, &err);
	FILE *out;

	if (!of)
		return err;
	out = outfile_stream(of);
	if (!out) {
		outfile_abort(of);
		return -ENOMEM;
	}
	if (env->format == OUT_SPEEDSCOPE)
		err = speedscope_write(f, env->path, out);
	else if (env->format == OUT_PPROF)
		err = pprof_write(f, env->ro.mode == RECFOLD_OFFCPU ? PPROF_OFFCPU
				  : env->ro.mode == RECFOLD_WALL ? PPROF_WALL
								 : PPROF_CPU,
				  out);
	else
		err = fold_write_folded(f, out);
	if (err) {
		outfile_abort(of);
		return err;
	}
	return outfile_commit(of);
}

static int open_input(const char *path, int *fd)
{
	if (!strcmp(path, "-")) {
		*fd = STDIN_FILENO;
		return 0;
	}
	*fd = open(path, O_RDONLY | O_CLOEXEC);
	return *fd < 0 ? -errno : 0;
}

/* Reads the input into f.  Returns 0, -FE_TRUNCATED (partial) or an error;
 * *what_failed says whether the error concerns the output. */
static int collapse(struct env *env, struct fold *f)
{
	char *buf = malloc(READ_CHUNK);
	struct textin t = { 0 };
	enum input in = env->input;
	ssize_t n = 0;
	int fd = -1, err;

	if (!buf)
		return -ENOMEM;
	err = open_input(env->path, &fd);
	if (!err) {
		n = read_full(fd, buf, DETECT_BYTES);
		if (n < 0)
			err = (int)n;
	}
	if (err)
		goto out;
	if (in != IN_AUTO && in != IN_FLAMER && (size_t)n >= REC_MAGIC_LEN &&
	    !memcmp(buf, REC_MAGIC, REC_MAGIC_LEN)) {
		/* text expected, a recording given: say so, read it as one */
		fl_note(env->path, "is a flamer recording, not %s text: read "
			"as a recording", in == IN_PERF ? "perf script"
			: in == IN_STAP ? "SystemTap" : "collapsed");
		in = IN_FLAMER;
	}
	if (in == IN_AUTO) {
		if ((size_t)n >= REC_MAGIC_LEN && !memcmp(buf, REC_MAGIC, REC_MAGIC_LEN))
			in = IN_FLAMER;
		else if (memchr(buf, '\0', (size_t)n)) {
			fl_error(env->path, "binary data that is not a flamer recording");
			err = 1; /* printed */
			goto out;
		} else
			in = detect_text(buf, (size_t)n);
	}
	if (in == IN_FLAMER) {
		err = run_recording(env, f, fd, buf, (size_t)n, env->path);
		goto out;
	}
	if (env->ro.mode != RECFOLD_CPU) {
		fl_error("--off-cpu/--wall", "only apply to flamer recordings");
		err = 1;
		goto out;
	}
	if (env->ro.has_from || env->ro.has_to) {
		fl_error("--from/--to", "only apply to flamer recordings");
		err = 1;
		goto out;
	}
	if (env->ro.erlang_processes) {
		fl_error("--erlang-processes", "only applies to flamer "
			 "recordings");
		err = 1;
		goto out;
	}
	if (env->ro.frames != RECFOLD_FOLD) {
		/* text has no frame kinds: which frames are Python is unknown */
		fl_error("--native-all/--python-only", "only apply to flamer "
			 "recordings");
		err = 1;
		goto out;
	}
	err = textin_open(&t, in, f, env);
	if (!err)
		err = run_text(&t, fd, buf, (size_t)n);
	if (t.p) {
		t.report(t.p, env->path);
		t.free(t.p);
	}
out:
	if (fd > STDIN_FILENO)
		close(fd);
	free(buf);
	return err;
}

int cmd_collapse(int argc, char **argv)
{
	struct env env = { .path = "flamer.data", .out = "-" };
	struct fold *f = NULL;
	int rc = FLAMER_EXIT_FAIL, err;

	err = parse_args(argc, argv, &env);
	if (err)
		return err > 0 ? FLAMER_EXIT_OK : FLAMER_EXIT_USAGE;
	f = fold_new();
	if (!f) {
		fl_error_code(NULL, -ENOMEM);
		return FLAMER_EXIT_FAIL;
	}
	err = collapse(&env, f);
	if (err == 1)
		goto out; /* already reported */
	if (err == -FE_TRUNCATED && fold_count(f)) {
		fl_warn(env.path, "recording is truncated: output has the "
			"samples before the cut");
	} else if (err) {
		fl_error_code(env.path, err);
		goto out;
	} else if (!fold_count(f) && env.format == OUT_FOLDED &&
		   !env.ro.has_from && !env.ro.has_to) {
		fl_error(env.path, "%s", flamer_strerror(-FE_EMPTY));
		goto out;
	}
	rc = err ? FLAMER_EXIT_PARTIAL : FLAMER_EXIT_OK;
	err = write_output(&env, f);
	if (err) {
		fl_error_code(env.out, err);
		rc = FLAMER_EXIT_FAIL;
	}
out:
	fold_free(f);
	return rc;
}
