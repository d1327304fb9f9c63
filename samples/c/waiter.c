/* waiter - threads that wait in known ways, for flamer's dump and
 * off-CPU tests.  Each thread's share of waiting is known by construction.
 *
 *   main -> main_wait -> sleep_leaf -> nanosleep          (blocked all run)
 *   (thread "spinner") spinner -> spin_leaf               with -s
 *   (thread "mixed")   mixed -> mixed_work                with -w W -z Z:
 *                             -> mixed_sleep -> nanosleep alternating W ms
 *                                                 of work and Z ms of sleep
 *   (threads "locker") locker -> lock_work (holding a    with -l
 *                      mutex 10 ms) / lock_wait (in pthread_mutex_lock)
 *   (thread "reader")  reader -> read_wait -> read        with -r: blocked
 *                      on a pipe nobody writes, for ever (never joined)
 *
 * Options:
 *   -d SECONDS  run time (default 10); the main thread sleeps through it
 *   -s          run the spinner
 *   -w MS -z MS run the mixed thread (work MS, sleep MS)
 *   -l          run two locker threads contending on one mutex
 *   -r          run the reader thread
 *   -p FILE     write the pid to FILE once every thread runs
 * The spinner counts its loops; at the end "spins N" is printed, and the
 * wall time the threads measured themselves in each phase (on a loaded
 * machine a 10 ms work phase lasts longer: the thread also waits for a
 * CPU), in microseconds: "main_wait_us M", "mixed work_us W sleep_us S" and
 * "locks wait_us W total_us T" (both lockers summed).
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define NOINLINE __attribute__((noinline))

static volatile unsigned long sink;
static volatile int stop;
static volatile unsigned long spins;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static int work_ms, sleep_ms;
static double mixed_work_s, mixed_sleep_s, lock_wait_s, locker_s;

static double now(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + t.tv_nsec / 1e9;
}

static NOINLINE void burn_until(double end)
{
	unsigned long x = sink;

	while (now() < end)
		for (int i = 0; i < 1000; i++)
			x = x * 2862933555777941757ULL + 3037000493ULL;
	sink = x;
}

static NOINLINE void nap(double secs)
{
	struct timespec ts = { (time_t)secs,
			       (long)((secs - (time_t)secs) * 1e9) };

	while (nanosleep(&ts, &ts) != 0)
		;
}

NOINLINE void sleep_leaf(double secs) { nap(secs); }
NOINLINE void main_wait(double secs) { sleep_leaf(secs); }

NOINLINE void spin_leaf(void)
{
	unsigned long x = sink;

	for (int i = 0; i < 100000; i++)
		x = x * 2862933555777941757ULL + 3037000493ULL;
	sink = x;
	spins++;
}

static NOINLINE void *spinner(void *arg)
{
	(void)arg;
	while (!stop)
		spin_leaf();
	return NULL;
}

NOINLINE void mixed_work(void) { burn_until(now() + work_ms / 1e3); }
NOINLINE void mixed_sleep(void) { nap(sleep_ms / 1e3); }

static NOINLINE void *mixed(void *arg)
{
	(void)arg;
	while (!stop) {
		double t0 = now(), t1, t2;

		mixed_work();
		t1 = now();
		mixed_sleep();
		t2 = now();
		mixed_work_s += t1 - t0;
		mixed_sleep_s += t2 - t1;
	}
	return NULL;
}

NOINLINE void lock_work(void) { burn_until(now() + 0.010); }
NOINLINE void lock_wait(void) { pthread_mutex_lock(&lock); }

static NOINLINE void *locker(void *arg)
{
	(void)arg;
	double start = now(), w = 0;

	while (!stop) {
		double t0 = now();

		lock_wait();
		w += now() - t0;
		lock_work();
		pthread_mutex_unlock(&lock);
	}
	pthread_mutex_lock(&lock);
	lock_wait_s += w;
	locker_s += now() - start;
	pthread_mutex_unlock(&lock);
	return NULL;
}

static int never[2];

NOINLINE void read_wait(void)
{
	char c;

	while (read(never[0], &c, 1) < 0)
		;
}

static NOINLINE void *reader(void *arg)
{
	(void)arg;
	read_wait();
	return NULL;
}

static void start(pthread_t *t, void *(*fn)(void *), const char *name)
{
	if (pthread_create(t, NULL, fn, NULL)) {
		perror("pthread_create");
		exit(1);
	}
	pthread_setname_np(*t, name);
}

int main(int argc, char **argv)
{
	double secs = 10;
	const char *pidfile = NULL;
	int spin = 0, locks = 0, rd = 0, nt = 0, c;
	pthread_t t[4], rt;

	while ((c = getopt(argc, argv, "d:sw:z:lrp:")) != -1) {
		switch (c) {
		case 'd': secs = atof(optarg); break;
		case 's': spin = 1; break;
		case 'w': work_ms = atoi(optarg); break;
		case 'z': sleep_ms = atoi(optarg); break;
		case 'l': locks = 1; break;
		case 'r': rd = 1; break;
		case 'p': pidfile = optarg; break;
		default:
			fprintf(stderr, "usage: waiter [-d S] [-s] [-w MS -z MS]"
					" [-l] [-r] [-p FILE]\n");
			return 2;
		}
	}
	if (spin)
		start(&t[nt++], spinner, "spinner");
	if (work_ms > 0 || sleep_ms > 0)
		start(&t[nt++], mixed, "mixed");
	if (locks) {
		start(&t[nt++], locker, "locker");
		start(&t[nt++], locker, "locker");
	}
	if (rd) {
		if (pipe(never)) {
			perror("pipe");
			return 1;
		}
		start(&rt, reader, "reader");
	}
	if (pidfile) {
		FILE *f = fopen(pidfile, "w");

		if (!f || fprintf(f, "%d\n", (int)getpid()) < 0 || fclose(f)) {
			perror(pidfile);
			return 1;
		}
	}
	double t0 = now();

	main_wait(secs);
	double waited = now() - t0;

	stop = 1;
	for (int i = 0; i < nt; i++)
		pthread_join(t[i], NULL);
	printf("spins %lu\n", spins);
	printf("main_wait_us %.0f\n", waited * 1e6);
	if (work_ms > 0 || sleep_ms > 0)
		printf("mixed work_us %.0f sleep_us %.0f\n", mixed_work_s * 1e6,
		       mixed_sleep_s * 1e6);
	if (locks)
		printf("locks wait_us %.0f total_us %.0f\n", lock_wait_s * 1e6,
		       locker_s * 1e6);
	return 0;
}
