/* mixed - a program with frame pointers calling into a shared library
 * built without them (bin/libmix.so, found through an $ORIGIN rpath).
 *
 *   main -> mix_outer -> mix_walk [libmix] -> mix_cb -> mix_leaf [libmix]
 *                                                         3 parts of the CPU
 *   main -> leaf_caller -> mix_leaf [libmix]              1 part
 *
 * mix_leaf and mix_walk set up no frame: a frame-pointer walk started in
 * mix_leaf loses its caller (mix_cb or leaf_caller), and one through
 * mix_walk loses mix_outer.  CFI unwinding gets both chains right.
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

void mix_leaf(unsigned long n);
void mix_walk(void (*cb)(void), int n);

static double elapsed(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (t.tv_nsec - t0->tv_nsec) / 1e9;
}

NOINLINE void mix_cb(void) { mix_leaf(100000); }
NOINLINE void mix_outer(void) { mix_walk(mix_cb, 3); }
NOINLINE void leaf_caller(void) { mix_leaf(100000); }

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
			fprintf(stderr, "usage: mixed [-d S] [-p FILE]\n");
			return 2;
		}
	}
	clock_gettime(CLOCK_MONOTONIC, &t0);
	if (pidfile) {
		FILE *f = fopen(pidfile, "w");

		if (f) {
			fprintf(f, "%d\n", (int)getpid());
			fclose(f);
		}
	}
	while (elapsed(&t0) < run_seconds) {
		mix_outer();
		leaf_caller();
	}
	return 0;
}
