/* pingpong - a high context-switch workload for the off-CPU benchmark:
 * two threads pass a byte back and forth over two pipes N times (each
 * round trip blocks each thread once).  Prints the elapsed time and the
 * round trips per second.
 *
 *   pingpong [-n ROUNDS]   (default 200000)
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

static int ab[2], ba[2];
static long rounds = 200000;

static void *echo(void *arg)
{
	char c;

	(void)arg;
	for (long i = 0; i < rounds; i++)
		if (read(ab[0], &c, 1) != 1 || write(ba[1], &c, 1) != 1)
			exit(1);
	return NULL;
}

int main(int argc, char **argv)
{
	struct timespec t0, t1;
	pthread_t t;
	char c = 'x';
	double s;

	if (argc == 3)
		rounds = atol(argv[2]);
	if (pipe(ab) || pipe(ba) || pthread_create(&t, NULL, echo, NULL))
		return 1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (long i = 0; i < rounds; i++)
		if (write(ab[1], &c, 1) != 1 || read(ba[0], &c, 1) != 1)
			return 1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	pthread_join(t, NULL);
	s = (double)(t1.tv_sec - t0.tv_sec) + (t1.tv_nsec - t0.tv_nsec) / 1e9;
	printf("elapsed %.3f s, %.0f round trips/s\n", s, rounds / s);
	return 0;
}
