/* switchmix - a high context-switch workload whose waits are known by
 * construction, for the sampled off-CPU estimate (docs/offcpu.md): the
 * "asker" thread sends requests to the "answerer" thread over a pipe and
 * blocks in read() for each answer.  A request is slow (the answerer
 * sleeps 100 us before answering) 1 time in 4, fast otherwise, chosen by
 * a fixed pseudo-random sequence (no period a sampler could lock onto).
 * The asker waits for slow answers under ask_slow -> wait_slow and for
 * fast ones under ask_fast -> wait_fast, and measures the time it spends
 * in each read() itself; at the end it prints
 *
 *   slow_us US count N
 *   fast_us US count N
 *
 *   switchmix [-d SECONDS] [-s SLOW_US]   (default 3 s, 100 us)
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static int req[2], ans[2];
static long slow_us = 100;

static uint64_t now_ns(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static void *answerer(void *arg)
{
	struct timespec ts = { 0, 0 };
	char c;

	(void)arg;
	ts.tv_nsec = slow_us * 1000;
	while (read(req[0], &c, 1) == 1) {
		if (c == 's')
			nanosleep(&ts, NULL);
		if (write(ans[1], &c, 1) != 1)
			exit(1);
		if (c == 'q')
			break;
	}
	return NULL;
}

static __attribute__((noinline, noipa)) uint64_t wait_slow(void)
{
	uint64_t t0 = now_ns();
	char c;

	if (read(ans[0], &c, 1) != 1)
		exit(1);
	return now_ns() - t0;
}

static __attribute__((noinline, noipa)) uint64_t wait_fast(void)
{
	uint64_t t0 = now_ns();
	char c;

	if (read(ans[0], &c, 1) != 1)
		exit(1);
	return now_ns() - t0;
}

static __attribute__((noinline, noipa)) uint64_t ask_slow(void)
{
	if (write(req[1], "s", 1) != 1)
		exit(1);
	return wait_slow();
}

static __attribute__((noinline, noipa)) uint64_t ask_fast(void)
{
	if (write(req[1], "f", 1) != 1)
		exit(1);
	return wait_fast();
}

int main(int argc, char **argv)
{
	uint64_t end, ns[2] = { 0, 0 }, n[2] = { 0, 0 }, x = 88172645463325252ull;
	double secs = 3;
	pthread_t t;
	char c;
	int i;

	for (i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "-d"))
			secs = atof(argv[i + 1]);
		else if (!strcmp(argv[i], "-s"))
			slow_us = atol(argv[i + 1]);
	}
	if (pipe(req) || pipe(ans) || pthread_create(&t, NULL, answerer, NULL))
		return 1;
	end = now_ns() + (uint64_t)(secs * 1e9);
	while (now_ns() < end) {
		x ^= x << 13, x ^= x >> 7, x ^= x << 17; /* xorshift64 */
		if (x % 4 == 0)
			ns[0] += ask_slow(), n[0]++;
		else
			ns[1] += ask_fast(), n[1]++;
	}
	if (write(req[1], "q", 1) != 1 || read(ans[0], &c, 1) != 1)
		return 1;
	pthread_join(t, NULL);
	printf("slow_us %llu count %llu\nfast_us %llu count %llu\n",
	       (unsigned long long)(ns[0] / 1000), (unsigned long long)n[0],
	       (unsigned long long)(ns[1] / 1000), (unsigned long long)n[1]);
	return 0;
}
