/* beam.c - BEAM detection, perf-map advice, thread roles (see beam.h). */
#include "beam.h"

#include "perfmap.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* "beam", "beam.smp", "beam.debug.smp", "beam.emu", ... */
static bool is_beam_name(const char *path)
{
	const char *base = strrchr(path, '/');

	base = base ? base + 1 : path;
	return !strcmp(base, "beam") || !strncmp(base, "beam.", 5);
}

/* Scans /proc/PID/maps for a mapped beam executable. */
static int maps_have_beam(pid_t pid)
{
	char path[64], *line = NULL;
	size_t cap = 0;
	int found = 0;
	FILE *f;

	snprintf(path, sizeof path, "/proc/%d/maps", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (!found && getline(&line, &cap, f) > 0) {
		char *p = strchr(line, '/');

		if (!p)
			continue;
		p[strcspn(p, "\n")] = '\0';
		if (strstr(p, "/erts-") || strstr(p, "/bin/beam"))
			found = is_beam_name(p);
	}
	free(line);
	fclose(f);
	return found;
}

int beam_is_beam(pid_t pid)
{
	char path[64], exe[4096];
	ssize_t n;

	if (pid <= 0)
		return -EINVAL;
	snprintf(path, sizeof path, "/proc/%d/exe", (int)pid);
	n = readlink(path, exe, sizeof exe - 1);
	if (n > 0) {
		exe[n] = '\0';
		if (!strncmp(exe + (n > 10 ? n - 10 : 0), " (deleted)", 10))
			exe[n - 10] = '\0';
		if (is_beam_name(exe))
			return 1;
	}
	return maps_have_beam(pid);
}

int beam_has_perfmap(pid_t pid)
{
	char path[64];
	struct stat st;

	perfmap_path(pid, path, sizeof path);
	return lstat(path, &st) == 0;
}

int beam_advice(char *buf, size_t len)
{
	return snprintf(buf, len,
			"Erlang VM without a perf map: Erlang frames will be "
			"missing; start it with `erl +JPperf map` (Elixir: "
			"ELIXIR_ERL_OPTIONS=\"+JPperf map\")");
}

/* "N_suffix" with N decimal digits, suffix a prefix of full (comm is
 * truncated to 15 bytes). */
static bool numbered(const char *comm, const char *full)
{
	size_t d = strspn(comm, "0123456789"), rest;

	if (!d || comm[d] != '_')
		return false;
	comm += d + 1;
	rest = strlen(comm);
	return rest >= 3 && !strncmp(comm, full, rest) &&
	       rest <= strlen(full);
}

enum beam_thread beam_thread_class(const char *comm)
{
	if (!strcmp(comm, "beam.smp") || !strcmp(comm, "beam"))
		return BEAM_THREAD_MAIN;
	if (numbered(comm, "scheduler"))
		return BEAM_THREAD_SCHEDULER;
	if (numbered(comm, "dirty_cpu_scheduler"))
		return BEAM_THREAD_DIRTY_CPU;
	if (numbered(comm, "dirty_io_scheduler"))
		return BEAM_THREAD_DIRTY_IO;
	if (numbered(comm, "poller"))
		return BEAM_THREAD_POLLER;
	if (numbered(comm, "aux"))
		return BEAM_THREAD_AUX;
	if (!strncmp(comm, "async_", 6) && comm[6] &&
	    strspn(comm + 6, "0123456789") == strlen(comm + 6))
		return BEAM_THREAD_ASYNC;
	return BEAM_THREAD_OTHER;
}

const char *beam_thread_class_name(enum beam_thread c)
{
	static const char *const names[] = {
		[BEAM_THREAD_OTHER] = "other",
		[BEAM_THREAD_MAIN] = "main",
		[BEAM_THREAD_SCHEDULER] = "scheduler",
		[BEAM_THREAD_DIRTY_CPU] = "dirty-cpu",
		[BEAM_THREAD_DIRTY_IO] = "dirty-io",
		[BEAM_THREAD_ASYNC] = "async",
		[BEAM_THREAD_POLLER] = "poller",
		[BEAM_THREAD_AUX] = "aux",
	};

	if ((unsigned)c >= sizeof names / sizeof names[0])
		return "other";
	return names[c];
}
