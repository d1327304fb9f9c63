/* bigstale - a return address above the stack copy that a late read finds
 * rewritten, for the recorder's deep-frame checks (docs/record.md, "Deep
 * frames").  main alternates, every ~0.2 ms, between two paths of the same
 * depth at their top:
 *
 *   main -> via_big  -> big (16 KiB of locals, untouched) -> leaf_a
 *   main -> via_deep -> deep -> deep -> ... (4 KiB) -> leaf_b
 *
 * A sample in leaf_a needs big's return address, 16 KiB above the 8 KiB
 * copy.  Read late, while main is in the other path, that slot holds
 * deep's return into via_deep (the two paths' frames line up), and the
 * copy's top, inside big's untouched buffer, has not changed: a check of
 * the copy's top alone takes main;via_deep;big;leaf_a, a caller via_deep
 * never is.  True callers by construction: big only under via_big.
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
#define BIG (16 * 1024)

static volatile unsigned long sink;

NOINLINE void spin(unsigned long n)
{
	unsigned long x = sink;

	for (unsigned long i = 0; i < n; i++)
		x = x * 2862933555777941757ULL + 3037000493ULL;
	sink = x;
}

NOINLINE void leaf_a(void)
{
	spin(40000);
}

NOINLINE void leaf_b(void)
{
	spin(40000);
}

/* buf is written at its low end only: the pages above stay as they were */
NOINLINE void big(void)
{
	volatile char buf[BIG];

	buf[0] = (char)sink;
	leaf_a();
	sink += buf[0];
}

NOINLINE void deep(int n)
{
	volatile char pad[200];

	pad[0] = (char)n;
	if (n > 0)
		deep(n - 1);
	else
		leaf_b();
	sink += pad[0];
}

NOINLINE void via_big(void)
{
	big();
	sink++;
}

NOINLINE void via_deep(void)
{
	deep(16);
	sink++;
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
	const char *pidfile = NULL;
	struct timespec t0;
	int opt;

	while ((opt = getopt(argc, argv, "d:p:")) != -1) {
		switch (opt) {
		case 'd': run_seconds = atof(optarg); break;
		case 'p': pidfile = optarg; break;
		default:
			fprintf(stderr, "usage: bigstale [-d S] [-p FILE]\n");
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
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (elapsed(&t0) < run_seconds) {
		via_big();
		via_deep();
	}
	return 0;
}
