/* inl - CPU spent in an inlined helper, for `flamer record --inline`.
 *
 *   main -> inl_outer -> hot_inline (always inlined)   3 parts
 *   main -> inl_outer -> cold_call (a real call)       1 part
 *
 * Without --inline the hot_inline samples are attributed to inl_outer;
 * with it (and -g debug info) they show inl_outer;hot_inline_[i].
 *
 * Options:
 *   -d SECONDS    run time (default 5)
 *   -p FILE       write the pid to FILE once running
 */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#define NOINLINE __attribute__((noinline))

static volatile unsigned long sink;

static inline __attribute__((always_inline)) void hot_inline(unsigned long n)
{
	unsigned long x = sink;

	for (unsigned long i = 0; i < n; i++)
		x = x * 2862933555777941757ULL + 3037000493ULL;
	sink = x;
}

NOINLINE void cold_call(void)
{
	unsigned long x = sink;

	for (unsigned long i = 0; i < 100000; i++)
		x = x * 6364136223846793005ULL + 1442695040888963407ULL;
	sink = x;
}

static double elapsed(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (t.tv_nsec - t0->tv_nsec) / 1e9;
}

NOINLINE void inl_outer(double run_seconds)
{
	struct timespec t0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (elapsed(&t0) < run_seconds) {
		hot_inline(300000);
		cold_call();
	}
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
			fprintf(stderr, "usage: inl [-d S] [-p FILE]\n");
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
	inl_outer(run_seconds);
	return 0;
}
