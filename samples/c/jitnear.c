/* jitnear - "JIT" code right above a shared object, named by a perf map.
 *
 *   main -> run_jit -> jit_hot_loop (machine code in anonymous memory)
 *
 * The code is copied into an anonymous executable mapping placed at the
 * end of a shared object's last mapping (where a JIT's region sometimes
 * lands: libdwfl then attributes its addresses to that object), keeps a
 * frame pointer like V8's and BEAM's code, and is named in
 * /tmp/perf-PID.map (removed at exit).
 *
 * Options:
 *   -d SECONDS    run time (default 5)
 *   -p FILE       write the pid to FILE once the map is written
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#ifndef MAP_FIXED_NOREPLACE
#define MAP_FIXED_NOREPLACE 0x100000
#endif

#define NOINLINE __attribute__((noinline))

/* push rbp; mov rbp,rsp; mov rax,rdi; 1: sub rax,1; jnz 1b; pop rbp; ret */
static const unsigned char code[] = {
	0x55, 0x48, 0x89, 0xe5, 0x48, 0x89, 0xf8,
	0x48, 0x83, 0xe8, 0x01, 0x75, 0xfa, 0x5d, 0xc3,
};

static char mapfile[64];

/* Maps one page right after the last mapping of a shared object. */
static void *map_after_shared_object(char *which, size_t len)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[512], path[400];
	void *p = MAP_FAILED;

	if (!f)
		return NULL;
	while (p == MAP_FAILED && fgets(line, sizeof line, f)) {
		unsigned long start, end;

		path[0] = '\0';
		if (sscanf(line, "%lx-%lx %*s %*s %*s %*s %399s", &start, &end,
			   path) < 3 || !strstr(path, ".so"))
			continue;
		p = mmap((void *)end, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
		if (p != MAP_FAILED && p != (void *)end) {
			munmap(p, 4096);
			p = MAP_FAILED;
		}
		if (p != MAP_FAILED)
			snprintf(which, len, "%s", path);
	}
	fclose(f);
	return p == MAP_FAILED ? NULL : p;
}

static void remove_map(void)
{
	unlink(mapfile);
}

static double elapsed(const struct timespec *t0)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (t.tv_nsec - t0->tv_nsec) / 1e9;
}

NOINLINE void run_jit(void (*fn)(unsigned long), double run_seconds)
{
	struct timespec t0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (elapsed(&t0) < run_seconds)
		fn(2000000);
}

int main(int argc, char **argv)
{
	double run_seconds = 5;
	const char *pidfile = NULL;
	char which[400] = "";
	unsigned char *mem;
	FILE *f;
	int opt;

	while ((opt = getopt(argc, argv, "d:p:")) != -1) {
		switch (opt) {
		case 'd': run_seconds = atof(optarg); break;
		case 'p': pidfile = optarg; break;
		default:
			fprintf(stderr, "usage: jitnear [-d S] [-p FILE]\n");
			return 2;
		}
	}
	mem = map_after_shared_object(which, sizeof which);
	if (!mem) {
		fprintf(stderr, "jitnear: no free page after a shared object\n");
		return 1;
	}
	memcpy(mem, code, sizeof code);
	snprintf(mapfile, sizeof mapfile, "/tmp/perf-%d.map", (int)getpid());
	f = fopen(mapfile, "w");
	if (!f) {
		perror(mapfile);
		return 1;
	}
	atexit(remove_map);
	fprintf(f, "%lx %zx jit_hot_loop\n", (unsigned long)(uintptr_t)mem,
		sizeof code);
	fclose(f);
	printf("jitnear: code at %p, right after %s\n", (void *)mem, which);
	fflush(stdout);
	if (pidfile) {
		f = fopen(pidfile, "w");
		if (f) {
			fprintf(f, "%d\n", (int)getpid());
			fclose(f);
		}
	}
	run_jit((void (*)(unsigned long))(void *)mem, run_seconds);
	return 0;
}
