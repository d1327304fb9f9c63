#include "procfs.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static void read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "re");

	buf[0] = '\0';
	if (!f)
		return;
	if (fgets(buf, (int)len, f))
		buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
}

void procfs_comm(pid_t pid, pid_t tid, char *buf, size_t len)
{
	char path[64];

	if (pid == tid)
		snprintf(path, sizeof path, "/proc/%d/comm", (int)pid);
	else
		snprintf(path, sizeof path, "/proc/%d/task/%d/comm", (int)pid,
			 (int)tid);
	read_line(path, buf, len);
}

void procfs_exe(pid_t pid, char *buf, size_t len)
{
	char path[64];
	ssize_t n;

	snprintf(path, sizeof path, "/proc/%d/exe", (int)pid);
	n = readlink(path, buf, len - 1);
	buf[n > 0 ? n : 0] = '\0';
}

int procfs_exists(pid_t pid)
{
	char path[64];

	snprintf(path, sizeof path, "/proc/%d", (int)pid);
	return access(path, F_OK) == 0;
}

/* Field n (1-based, as proc(5) counts: 3 is the state) of
 * /proc/PID/stat as a number, or 0. */
static unsigned long long stat_field(pid_t pid, int n)
{
	char path[64], buf[512], *p;

	snprintf(path, sizeof path, "/proc/%d/stat", (int)pid);
	read_line(path, buf, sizeof buf);
	/* comm (field 2) may hold spaces and parentheses */
	if (!(p = strrchr(buf, ')')))
		return 0;
	for (int i = 2; i < n && p; i++)
		p = strchr(p + 1, ' ');
	return p ? strtoull(p + 1, NULL, 10) : 0;
}

int procfs_is_kthread(pid_t pid)
{
	return (stat_field(pid, 9) & 0x00200000) != 0; /* flags: PF_KTHREAD */
}

uint64_t procfs_start_ns(pid_t pid)
{
	unsigned long long ticks = stat_field(pid, 22); /* since boot */
	long hz = sysconf(_SC_CLK_TCK);
	struct timespec real, boot;
	uint64_t since_boot, boot_now, real_now;

	if (!ticks || hz <= 0 || clock_gettime(CLOCK_REALTIME, &real) ||
	    clock_gettime(CLOCK_BOOTTIME, &boot))
		return 0;
	since_boot = (uint64_t)ticks * (1000000000ull / (uint64_t)hz);
	boot_now = (uint64_t)boot.tv_sec * 1000000000ull + (uint64_t)boot.tv_nsec;
	real_now = (uint64_t)real.tv_sec * 1000000000ull + (uint64_t)real.tv_nsec;
	if (since_boot > boot_now || boot_now - since_boot > real_now)
		return 0;
	return real_now - (boot_now - since_boot);
}

uid_t procfs_owner(pid_t pid)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof path, "/proc/%d", (int)pid);
	return stat(path, &st) == 0 ? st.st_uid : (uid_t)-1;
}

int procfs_foreach_task(pid_t pid, int (*fn)(void *ctx, pid_t tid), void *ctx)
{
	char path[64];
	struct dirent *e;
	DIR *d;
	int rc = 0;

	snprintf(path, sizeof path, "/proc/%d/task", (int)pid);
	d = opendir(path);
	if (!d)
		return -ESRCH;
	while (!rc && (e = readdir(d))) {
		pid_t tid = (pid_t)atoi(e->d_name);

		if (tid > 0)
			rc = fn(ctx, tid);
	}
	closedir(d);
	return rc;
}

static int same_file(const char *a, const char *b)
{
	struct stat sa, sb;

	if (stat(a, &sa) || stat(b, &sb))
		return 1;
	return sa.st_ino == sb.st_ino && sa.st_dev == sb.st_dev;
}

void procfs_root(pid_t pid, char *buf, size_t len)
{
	char root[64], ns[64];

	snprintf(root, sizeof root, "/proc/%d/root", (int)pid);
	snprintf(ns, sizeof ns, "/proc/%d/ns/mnt", (int)pid);
	if (!same_file(root, "/proc/self/root") ||
	    !same_file(ns, "/proc/self/ns/mnt"))
		snprintf(buf, len, "%s", root);
	else
		buf[0] = '\0';
}
