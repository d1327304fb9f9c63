/* bigframe - a big stack frame between main and the hot loop, for the
 * recorder's deep-frame handling (an 8 KiB stack copy ends inside it).
 *
 *   main -> big_frame (48 KiB of locals) -> mid -> big_leaf   3 parts
 *   main -> big_frame                    -> mid -> small_leaf 1 part
 *
 * Options:
 *   -d SECONDS    run time (default 5)
 *   -p FILE       write the pid to FILE once running
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define NOINLINE __attribute__((noinline))
#define BIG (48 * 1024)

static volatile unsigned long sink;

NOINLINE void big_leaf(void)
{
	unsigned long x = sink;

	for (unsigned long i = 0; i < 300000; i++)
		x = x * 2862933555777941757ULL + 3037000493ULL;
	sink = x;
}

NOINLINE void small_leaf(void)
{
	unsigned long x = sink;

	for (unsigned long i = 0; i < 100000; i++)
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
	sink = x;
}

NOINLINE void mid(int which)
{
	if (which)
		big_leaf();
	else
		small_leaf();
}

static double elapsed(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (t.tv_nsec - t0->tv_nsec) / 1e9;
}

NOINLINE void big_frame(double run_seconds)
{
	volatile char buf[BIG];
	struct timespec t0;

	memset((char *)buf, 1, sizeof buf);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (elapsed(&t0) < run_seconds) {
		mid(1);
		mid(0);
		sink += buf[sink % BIG];
	}
	sink += buf[0];
}

int main(int argc, char **argv)
{
	double run_seconds = 5;
	const char *pidfile = NULL;
	int opt;

	while ((opt = getopt(argc, argv, "d:p:")) != -1) {
		switch (opt) {
		case 'd': run_seconds = atof(optarg); break;
		case 'p': pidfile = optarg; break;
		default:
			fprintf(stderr, "usage: bigframe [-d S] [-p FILE]\n");
			return 2;
		}
	}
	if (pidfile) {
		FILE *f = fopen(pidfile, "w");

		if (f) {
			fprintf(f, "%d\n", (int)getpid());
			fclose(f);
		}
	}
	big_frame(run_seconds);
	return 0;
}
