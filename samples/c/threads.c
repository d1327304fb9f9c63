/* threads - thread churn and many busy threads, for flamer's fault tests.
 *
 *   main -> churn -> (thread) churn_worker -> churn_leaf   with -c N
 *   main -> (thread) burner -> burn_leaf                   with -b N
 *
 * Options:
 *   -c N        spawn and join N short-lived threads, 64 at a time, each
 *               spinning ~0.2 ms in churn_leaf (default 0)
 *   -b N        run N threads that spin in burn_leaf until the end (default 0)
 *   -d SECONDS  how long the burners run (default 2)
 *   -p FILE     write the pid to FILE once running
 * At the end it prints "spawned N" (threads created in all) on stdout.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define NOINLINE __attribute__((noinline))
#define BATCH 64

static volatile unsigned long sink;
static volatile int stop;

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + t.tv_nsec / 1e9;
}

static NOINLINE void spin_for(double secs)
{
	double end = now() + secs;
	unsigned long x = sink;

	while (now() < end)
		for (int i = 0; i < 1000; i++)
			x = x * 2862933555777941757ULL + 3037000493ULL;
	sink = x;
}

NOINLINE void churn_leaf(void) { spin_for(0.0002); }

static NOINLINE void *churn_worker(void *arg)
{
	(void)arg;
	churn_leaf();
	return NULL;
}

NOINLINE void burn_leaf(void)
{
	unsigned long x = sink;

	for (int i = 0; i < 100000; i++)
		x = x * 2862933555777941757ULL + 3037000493ULL;
	sink = x;
}

static NOINLINE void *burner(void *arg)
{
	(void)arg;
	while (!stop)
		burn_leaf();
	return NULL;
}

static NOINLINE long churn(long n)
{
	pthread_t t[BATCH];
	long made = 0;

	while (made < n) {
		int k = 0;

		for (; k < BATCH && made + k < n; k++)
			if (pthread_create(&t[k], NULL, churn_worker, NULL) != 0)
				break;
		if (k == 0) {
			perror("pthread_create");
			exit(1);
		}
		for (int i = 0; i < k; i++)
			pthread_join(t[i], NULL);
		made += k;
	}
	return made;
}

int main(int argc, char **argv)
{
	long nchurn = 0, nburn = 0, spawned = 0;
	double secs = 2;
	pthread_t *b;
	int c;

	while ((c = getopt(argc, argv, "c:b:d:p:")) != -1) {
		switch (c) {
		case 'c': nchurn = atol(optarg); break;
		case 'b': nburn = atol(optarg); break;
		case 'd': secs = atof(optarg); break;
		case 'p': {
			FILE *f = fopen(optarg, "w");

			if (!f || fprintf(f, "%d\n", (int)getpid()) < 0 || fclose(f))
				return 1;
			break;
		}
		default:
			fprintf(stderr, "usage: threads [-c N] [-b N] [-d SECS] [-p FILE]\n");
			return 2;
		}
	}
	b = calloc(nburn ? (size_t)nburn : 1, sizeof *b);
	if (!b)
		return 1;
	for (long i = 0; i < nburn; i++) {
		if (pthread_create(&b[i], NULL, burner, NULL) != 0) {
			perror("pthread_create");
			return 1;
		}
		spawned++;
	}
	spawned += churn(nchurn);
	if (nburn) {
		spin_for(0); /* keep main on the CPU list briefly */
		usleep((useconds_t)(secs * 1e6));
		stop = 1;
		for (long i = 0; i < nburn; i++)
			pthread_join(b[i], NULL);
	}
	free(b);
	printf("spawned %ld\n", spawned);
	return 0;
}
