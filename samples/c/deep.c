/* deep - a deep recursion with a hot leaf, for stack-copy limits.
 *
 *   main -> recurse -> recurse -> ... (-r DEPTH times) -> deep_leaf
 *
 * Each recurse frame holds a 128-byte buffer, so DEPTH 20 needs about
 * 3 KiB of stack: it fits the default 8 KiB stack copy, not 256 bytes.
 *
 * Options:
 *   -r DEPTH      recursion depth (default 20, 1..10000)
 *   -d SECONDS    run time (default 5)
 *   -p FILE       write the pid to FILE once running
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#define NOINLINE __attribute__((noinline))

static volatile unsigned long sink;

NOINLINE void deep_leaf(void)
{
	unsigned long x = sink;

	for (unsigned long i = 0; i < 100000; i++)
		x = x * 2862933555777941757ULL + 3037000493ULL;
	sink = x;
}

NOINLINE void recurse(int depth)
{
	volatile char buf[128];

	buf[0] = (char)depth;
	if (depth > 1)
		recurse(depth - 1);
	else
		deep_leaf();
	sink += (unsigned long)buf[0];
}

static double elapsed(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (t.tv_nsec - t0->tv_nsec) / 1e9;
}

int main(int argc, char **argv)
{
	double run_seconds = 5;
	int opt, depth = 20;
	const char *pidfile = NULL;
	struct timespec t0;

	while ((opt = getopt(argc, argv, "r:d:p:")) != -1) {
		switch (opt) {
		case 'r': depth = atoi(optarg); break;
		case 'd': run_seconds = atof(optarg); break;
		case 'p': pidfile = optarg; break;
		default:
			fprintf(stderr, "usage: deep [-r DEPTH] [-d S] [-p FILE]\n");
			return 2;
		}
	}
	if (depth < 1 || depth > 10000)
		depth = 20;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (pidfile) {
		FILE *f = fopen(pidfile, "w");

		if (f) {
			fprintf(f, "%d\n", (int)getpid());
			fclose(f);
		}
	}
	while (elapsed(&t0) < run_seconds)
		for (int i = 0; i < 10; i++)
			recurse(depth);
	return 0;
}
