/* tree - a CPU-bound workload with a known call tree, for flamer's tests.
 *
 *   main -> outer -> left  -> leaf_a     3 parts of the CPU
 *                 -> right -> leaf_b     1 part
 *
 * Options:
 *   -d SECONDS    run time (default 5)
 *   -l MS         start a thread after MS ms: late_thread -> late_leaf
 *   -s            also run a syscall-heavy thread: sys_thread -> syscall_heavy
 *                 (write(2) of one byte to /dev/null in a loop)
 *   -f            fork a child that runs child_main -> child_leaf
 *   -t N          run outer() in N threads (default 1, the main thread)
 *   -q            sort with qsort and a comparator: sorter -> qsort -> compare
 *   -x            exec /bin/sleep 0.5 halfway (tests exec in the target)
 *   -p FILE       write the pid to FILE once running
 *
 * Every function is noinline and the Makefile turns off sibling calls, so
 * the call tree in the binary is the one above.
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define NOINLINE __attribute__((noinline))

static volatile unsigned long sink;
static double run_seconds = 5;
static struct timespec t0;

static double elapsed(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0.tv_sec) + (t.tv_nsec - t0.tv_nsec) / 1e9;
}

/* The byte on the stack makes gcc give this leaf a frame in the -fp build:
 * it leaves out frames in leaves that touch no stack, even with
 * -fno-omit-frame-pointer, and a frame-pointer walk from such a leaf skips
 * its caller. */
static NOINLINE void spin(unsigned long n)
{
	volatile char pad = 0;
	unsigned long x = sink;

	(void)pad;

	for (unsigned long i = 0; i < n; i++)
		x = x * 2862933555777941757ULL + 3037000493ULL;
	sink = x;
}

NOINLINE void leaf_a(unsigned long k) { spin(120000 * k); }
NOINLINE void leaf_b(unsigned long k) { spin(40000 * k); }
NOINLINE void left(unsigned long k) { leaf_a(k); }
NOINLINE void right(unsigned long k) { leaf_b(k); }

/* Each round's length varies (k = 1..4, from an LCG), the same for both
 * leaves: the 3:1 split stays exact in every round, while the loop no
 * longer runs at a fixed period that beats with the sampling period (a
 * fixed 0.4+0.13 ms round measured 2.66-3.56 over 1.5 s at 999 Hz idle,
 * 4.55 once in a fresh-clone run). */
NOINLINE void outer(void)
{
	unsigned long r = (unsigned long)getpid();

	while (elapsed() < run_seconds) {
		unsigned long k;

		r = r * 6364136223846793005ULL + 1442695040888963407ULL;
		k = 1 + ((r >> 33) & 3);
		left(k);
		right(k);
	}
}

NOINLINE void late_leaf(void) { spin(200000); }

static void *late_thread(void *arg)
{
	while (elapsed() < run_seconds)
		late_leaf();
	return arg;
}

NOINLINE void syscall_heavy(void)
{
	int fd = open("/dev/null", O_WRONLY);

	while (fd >= 0 && elapsed() < run_seconds)
		for (int i = 0; i < 1000; i++)
			if (write(fd, "x", 1) != 1)
				break;
	if (fd >= 0)
		close(fd);
}

static void *sys_thread(void *arg)
{
	syscall_heavy();
	return arg;
}

static void *outer_thread(void *arg)
{
	outer();
	return arg;
}

NOINLINE void child_leaf(void) { spin(100000); }

NOINLINE void child_main(void)
{
	while (elapsed() < run_seconds)
		child_leaf();
}

static NOINLINE int compare(const void *a, const void *b)
{
	unsigned x = *(const unsigned *)a, y = *(const unsigned *)b;

	return (x > y) - (x < y);
}

NOINLINE void sorter(void)
{
	enum { N = 200000 };
	unsigned *v = malloc(N * sizeof *v);

	while (v && elapsed() < run_seconds) {
		for (unsigned i = 0; i < N; i++)
			v[i] = (i * 2654435761u) ^ (unsigned)sink;
		qsort(v, N, sizeof *v, compare);
		sink += v[N / 2];
	}
	free(v);
}

int main(int argc, char **argv)
{
	int opt, late_ms = -1, sys = 0, forkit = 0, nthreads = 1, sort = 0;
	int do_exec = 0;
	pthread_t late, sysid, workers[64];
	const char *pidfile = NULL;
	pid_t child = -1;

	while ((opt = getopt(argc, argv, "d:l:sft:qxp:")) != -1) {
		switch (opt) {
		case 'd': run_seconds = atof(optarg); break;
		case 'l': late_ms = atoi(optarg); break;
		case 's': sys = 1; break;
		case 'f': forkit = 1; break;
		case 't': nthreads = atoi(optarg); break;
		case 'q': sort = 1; break;
		case 'x': do_exec = 1; break;
		case 'p': pidfile = optarg; break;
		default:
			fprintf(stderr, "usage: tree [-d S] [-l MS] [-s] [-f] "
					"[-t N] [-q] [-x] [-p FILE]\n");
			return 2;
		}
	}
	if (nthreads < 1 || nthreads > 64)
		nthreads = 1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (pidfile) {
		FILE *f = fopen(pidfile, "w");

		if (f) {
			fprintf(f, "%d\n", (int)getpid());
			fclose(f);
		}
	}
	if (forkit) {
		child = fork();
		if (child == 0) {
			child_main();
			_exit(0);
		}
	}
	if (sys)
		pthread_create(&sysid, NULL, sys_thread, NULL);
	if (do_exec) {
		while (elapsed() < run_seconds / 2)
			left(2);
		execl("/bin/sleep", "sleep", "0.5", (char *)NULL);
	}
	if (late_ms >= 0) {
		usleep((useconds_t)late_ms * 1000);
		pthread_create(&late, NULL, late_thread, NULL);
	}
	for (int i = 1; i < nthreads; i++)
		pthread_create(&workers[i], NULL, outer_thread, NULL);
	if (sort)
		sorter();
	else
		outer();
	for (int i = 1; i < nthreads; i++)
		pthread_join(workers[i], NULL);
	if (late_ms >= 0)
		pthread_join(late, NULL);
	if (sys)
		pthread_join(sysid, NULL);
	if (child > 0)
		waitpid(child, NULL, 0);
	return 0;
}
