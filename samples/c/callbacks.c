/* callbacks - CPU spent in code reached through libc and in a library
 * loaded late, for the unwinding tests (issue 4).
 *
 *   (sleeps -w MS, default 500, then dlopens bin/libdlburn.so)
 *   main -> run_once -> pthread_once [libc] -> once_init -> once_leaf
 *                                                    for -o SECONDS (1)
 *   main -> run_plugin -> dl_outer [libdlburn.so] -> dl_leaf
 *                                                    the rest of the time
 *
 * libdlburn.so is looked up next to the executable.
 *
 * Options:
 *   -d SECONDS    total run time (default 3)
 *   -o SECONDS    time spent in the pthread_once callback (default 1)
 *   -w MS         wait before dlopen (default 500)
 *   -p FILE       write the pid to FILE once running
 */
#include <dlfcn.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define NOINLINE __attribute__((noinline))

static volatile unsigned long sink;
static double once_seconds = 1;
static struct timespec t0;

static double elapsed(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0.tv_sec) + (t.tv_nsec - t0.tv_nsec) / 1e9;
}

NOINLINE void once_leaf(void)
{
	unsigned long x = sink;

	for (unsigned long i = 0; i < 100000; i++)
		x = x * 2862933555777941757ULL + 3037000493ULL;
	sink = x;
}

static NOINLINE void once_init(void)
{
	double end = elapsed() + once_seconds;

	while (elapsed() < end)
		once_leaf();
}

NOINLINE void run_once(void)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;

	pthread_once(&once, once_init);
}

NOINLINE void run_plugin(void (*fn)(void), double until)
{
	while (elapsed() < until)
		fn();
}

/* Opens libdlburn.so from the executable's directory. */
static void *open_plugin(void)
{
	char path[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", path, sizeof path - 32);
	char *slash;

	if (n <= 0)
		return NULL;
	path[n] = '\0';
	slash = strrchr(path, '/');
	if (!slash)
		return NULL;
	strcpy(slash + 1, "libdlburn.so");
	return dlopen(path, RTLD_NOW);
}

int main(int argc, char **argv)
{
	double run_seconds = 3;
	int opt, wait_ms = 500;
	const char *pidfile = NULL;
	void *lib;
	void (*fn)(void);

	while ((opt = getopt(argc, argv, "d:o:w:p:")) != -1) {
		switch (opt) {
		case 'd': run_seconds = atof(optarg); break;
		case 'o': once_seconds = atof(optarg); break;
		case 'w': wait_ms = atoi(optarg); break;
		case 'p': pidfile = optarg; break;
		default:
			fprintf(stderr, "usage: callbacks [-d S] [-o S] [-w MS] "
					"[-p FILE]\n");
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
	if (wait_ms > 0)
		usleep((useconds_t)wait_ms * 1000);
	lib = open_plugin();
	fn = lib ? (void (*)(void))dlsym(lib, "dl_outer") : NULL;
	if (!fn) {
		fprintf(stderr, "callbacks: cannot load libdlburn.so: %s\n",
			dlerror());
		return 1;
	}
	run_once();
	run_plugin(fn, run_seconds);
	dlclose(lib);
	return 0;
}
