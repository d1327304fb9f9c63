/* bench - a CPU-bound workload with a fixed amount of work, for make bench.
 *
 *   main -> work -> descend x28 -> hot
 *
 * work() runs N units; a unit walks down 28 frames of descend() (each with
 * a small local buffer, so the stack is about 2 KiB deep: both perf's and
 * flamer's 8 KiB stack copies reach main) and spins in hot() at the bottom.
 * The work is the same on every run, so the slowdown a profiler causes is
 * the CPU time of a profiled run over that of an unprofiled one.
 *
 * Options:
 *   -n UNITS   units of work (default 600; about 3 ms of CPU each here)
 *   -D DEPTH   frames of descend() (default 28)
 *   -w         wait for SIGUSR1 before working (print "ready" first), so a
 *              profiler can attach by pid before the timed part starts
 *
 * Prints one line on stdout when done:
 *   bench: cpu SECONDS wall SECONDS total_cpu SECONDS units N nivcsw N result HEX
 * cpu/wall cover the work only; total_cpu is the whole process (rusage);
 * nivcsw counts the times it was preempted (a recorder woken on its CPU).
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#define NOINLINE __attribute__((noinline))
#define SPIN_PER_UNIT 2000000UL

static volatile unsigned long sink;

static double clock_seconds(clockid_t id)
{
	struct timespec t;

	clock_gettime(id, &t);
	return (double)t.tv_sec + t.tv_nsec / 1e9;
}

static NOINLINE unsigned long hot(unsigned long n, unsigned long x)
{
	for (unsigned long i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
	}
	return x;
}

/* Not a tail call (the buffer is read after it returns), and the Makefile
 * turns sibling calls off: every level stays a frame. */
static NOINLINE unsigned long descend(int depth, unsigned long x)
{
	volatile unsigned char pad[48];

	pad[0] = (unsigned char)x;
	pad[47] = (unsigned char)depth;
	if (depth > 1)
		x = descend(depth - 1, x + 1);
	else
		x = hot(SPIN_PER_UNIT, x);
	return x + pad[0] + pad[47];
}

static NOINLINE unsigned long work(long units, int depth)
{
	unsigned long x = 88172645463325252UL;

	for (long i = 0; i < units; i++)
		x = descend(depth, x);
	return x;
}

static int wait_for_go(void)
{
	sigset_t set;
	int sig;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	if (sigprocmask(SIG_BLOCK, &set, NULL) != 0)
		return -1;
	printf("ready %d\n", (int)getpid());
	fflush(stdout);
	return sigwait(&set, &sig) == 0 ? 0 : -1;
}

static double process_cpu(long *nivcsw)
{
	struct rusage ru;

	*nivcsw = -1;
	if (getrusage(RUSAGE_SELF, &ru) != 0)
		return -1;
	*nivcsw = ru.ru_nivcsw;
	return (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

int main(int argc, char **argv)
{
	long units = 600, nivcsw;
	int depth = 28, gate = 0, opt;
	char *end;

	while ((opt = getopt(argc, argv, "n:D:w")) != -1) {
		switch (opt) {
		case 'n':
			units = strtol(optarg, &end, 10);
			if (*end || units < 1)
				goto usage;
			break;
		case 'D':
			depth = (int)strtol(optarg, &end, 10);
			if (*end || depth < 1 || depth > 1000)
				goto usage;
			break;
		case 'w': gate = 1; break;
		default: goto usage;
		}
	}
	if (gate && wait_for_go() != 0) {
		perror("bench: waiting for SIGUSR1");
		return 1;
	}
	double c0 = clock_seconds(CLOCK_PROCESS_CPUTIME_ID);
	double w0 = clock_seconds(CLOCK_MONOTONIC);
	sink = work(units, depth);
	double c1 = clock_seconds(CLOCK_PROCESS_CPUTIME_ID);
	double w1 = clock_seconds(CLOCK_MONOTONIC);

	double total = process_cpu(&nivcsw);

	printf("bench: cpu %.6f wall %.6f total_cpu %.6f units %ld nivcsw %ld "
	       "result %lx\n", c1 - c0, w1 - w0, total, units, nivcsw,
	       (unsigned long)sink);
	return 0;
usage:
	fprintf(stderr, "usage: bench [-n UNITS] [-D DEPTH] [-w]\n");
	return 2;
}
