/* syscalls.c - names of the x86-64 system calls a thread is commonly
 * found blocked in (a data table; others print as "syscall N"). */
#include "dump.h"

static const struct {
	long nr;
	const char *name;
} table[] = {
	{ 0, "read" },		{ 1, "write" },
	{ 7, "poll" },		{ 17, "pread64" },
	{ 18, "pwrite64" },	{ 19, "readv" },
	{ 20, "writev" },	{ 23, "select" },
	{ 24, "sched_yield" },	{ 34, "pause" },
	{ 35, "nanosleep" },	{ 42, "connect" },
	{ 43, "accept" },	{ 44, "sendto" },
	{ 45, "recvfrom" },	{ 46, "sendmsg" },
	{ 47, "recvmsg" },	{ 61, "wait4" },
	{ 72, "fcntl" },	{ 74, "fsync" },
	{ 75, "fdatasync" },	{ 128, "rt_sigtimedwait" },
	{ 130, "rt_sigsuspend" }, { 202, "futex" },
	{ 230, "clock_nanosleep" }, { 232, "epoll_wait" },
	{ 247, "waitid" },	{ 270, "pselect6" },
	{ 271, "ppoll" },	{ 281, "epoll_pwait" },
	{ 288, "accept4" },	{ 299, "recvmmsg" },
	{ 307, "sendmmsg" },	{ 426, "io_uring_enter" },
	{ 441, "epoll_pwait2" }, { 449, "futex_waitv" },
};

const char *dump_syscall_name(long nr)
{
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
		if (table[i].nr == nr)
			return table[i].name;
	return NULL;
}
