/* task.c - a thread's state from /proc: stat, syscall, wchan, stack. */
#include "dump.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Reads a whole small /proc file into buf (NUL-terminated).  Length or
 * -errno. */
static ssize_t read_small(pid_t pid, pid_t tid, const char *what, char *buf,
			  size_t size)
{
	char path[96];
	ssize_t n, len = 0;
	int fd, err = 0;

	snprintf(path, sizeof path, "/proc/%d/task/%d/%s", (int)pid, (int)tid,
		 what);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	while ((size_t)len + 1 < size) {
		n = read(fd, buf + len, size - 1 - (size_t)len);
		if (n < 0) {
			err = -errno;
			break;
		}
		if (n == 0)
			break;
		len += n;
	}
	close(fd);
	buf[len] = 0;
	return err ? err : len;
}

static void printable(char *dst, size_t size, const char *src, size_t len)
{
	size_t j = 0;

	for (size_t i = 0; i < len && j + 1 < size; i++)
		dst[j++] = src[i] >= 0x20 && src[i] < 0x7f ? src[i] : '?';
	dst[j] = 0;
}

static int read_stat(pid_t pid, pid_t tid, struct dump_task *t)
{
	char buf[1024], *open_p, *close_p;
	ssize_t n = read_small(pid, tid, "stat", buf, sizeof buf);

	if (n < 0)
		return n == -ENOENT ? -ESRCH : (int)n;
	open_p = strchr(buf, '(');
	close_p = strrchr(buf, ')');
	if (!open_p || !close_p || close_p < open_p || close_p[1] != ' ')
		return -EIO;
	printable(t->name, sizeof t->name, open_p + 1,
		  (size_t)(close_p - open_p - 1));
	t->state = close_p[2] ? close_p[2] : '?';
	return 0;
}

static void read_syscall(pid_t pid, pid_t tid, struct dump_task *t)
{
	char buf[512], *p, *end;
	uint64_t v[8];
	int nv = 0;
	long nr;

	t->syscall = DUMP_SC_UNKNOWN;
	if (read_small(pid, tid, "syscall", buf, sizeof buf) <= 0)
		return;
	if (!strncmp(buf, "running", 7)) {
		t->syscall = DUMP_SC_RUNNING;
		return;
	}
	errno = 0;
	nr = strtol(buf, &end, 10);
	if (errno || end == buf)
		return;
	p = end;
	while (nv < 8) {
		uint64_t x = strtoull(p, &end, 16);

		if (end == p)
			break;
		v[nv++] = x;
		p = end;
	}
	if (nr >= 0 && nv == 8) {
		memcpy(t->args, v, sizeof t->args);
		t->sp = v[6];
		t->pc = v[7];
	} else if (nr == -1 && nv == 2) {
		t->sp = v[0];
		t->pc = v[1];
	} else {
		return;
	}
	t->syscall = nr < 0 ? DUMP_SC_NONE : nr;
}

int dump_task_read(pid_t pid, pid_t tid, struct dump_task *t)
{
	char buf[128];
	ssize_t n;
	int err;

	memset(t, 0, sizeof *t);
	t->tid = tid;
	err = read_stat(pid, tid, t);
	if (err)
		return err;
	read_syscall(pid, tid, t);
	n = read_small(pid, tid, "wchan", buf, sizeof buf);
	if (n > 0 && strcmp(buf, "0"))
		printable(t->wchan, sizeof t->wchan, buf, (size_t)n);
	return 0;
}

int dump_task_blocked(const struct dump_task *t)
{
	return (t->state == 'S' || t->state == 'D' || t->state == 'I') &&
	       t->syscall >= DUMP_SC_NONE && t->sp && t->pc;
}

int dump_kstack(pid_t pid, pid_t tid, char (*names)[64], size_t max,
		size_t *n)
{
	char buf[8192], *line, *save = NULL;
	ssize_t len = read_small(pid, tid, "stack", buf, sizeof buf);

	*n = 0;
	if (len < 0)
		return (int)len;
	for (line = strtok_r(buf, "\n", &save); line && *n < max;
	     line = strtok_r(NULL, "\n", &save)) {
		/* "[<0>] do_nanosleep+0x6d/0x190" */
		char *name = strchr(line, ']');
		size_t l;

		if (!name)
			continue;
		name++;
		while (*name == ' ')
			name++;
		l = strcspn(name, "+ ");
		if (l == 0)
			continue;
		printable(names[*n], sizeof names[0], name, l);
		(*n)++;
	}
	return 0;
}

int dump_maps_load(pid_t pid, struct dump_maps *m)
{
	char path[64], line[512];
	size_t cap = 0;
	FILE *f;

	m->range = NULL;
	m->n = 0;
	snprintf(path, sizeof path, "/proc/%d/maps", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return errno == ENOENT ? -ESRCH : -errno;
	while (fgets(line, sizeof line, f)) {
		unsigned long long s, e;

		if (sscanf(line, "%llx-%llx", &s, &e) != 2)
			continue;
		if (m->n == cap) {
			void *nr;

			cap = cap ? 2 * cap : 64;
			nr = realloc(m->range, cap * sizeof *m->range);
			if (!nr) {
				fclose(f);
				dump_maps_free(m);
				return -ENOMEM;
			}
			m->range = nr;
		}
		m->range[m->n][0] = s;
		m->range[m->n][1] = e;
		m->n++;
	}
	fclose(f);
	return 0;
}

uint64_t dump_maps_end(const struct dump_maps *m, uint64_t addr)
{
	for (size_t i = 0; i < m->n; i++)
		if (addr >= m->range[i][0] && addr < m->range[i][1])
			return m->range[i][1];
	return 0;
}

void dump_maps_free(struct dump_maps *m)
{
	free(m->range);
	m->range = NULL;
	m->n = 0;
}
