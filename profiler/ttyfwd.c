#include "ttyfwd.h"

#include <errno.h>
#include <fcntl.h>
#include <pty.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <termios.h>
#include <unistd.h>

struct ttyfwd {
	int master[3], slave[3]; /* indexed by fd 1, 2; -1 = not forwarded */
	int mid_line;
};

static int open_one(struct ttyfwd *t, int fd)
{
	struct termios tio;
	struct winsize ws;
	int m, s;

	if (openpty(&m, &s, NULL, NULL, NULL) != 0)
		return -errno;
	if (tcgetattr(s, &tio) == 0) {
		tio.c_oflag &= ~(tcflag_t)OPOST; /* bytes as written */
		tcsetattr(s, TCSANOW, &tio);
	}
	if (ioctl(fd, TIOCGWINSZ, &ws) == 0)
		ioctl(s, TIOCSWINSZ, &ws);
	fcntl(m, F_SETFD, FD_CLOEXEC);
	fcntl(s, F_SETFD, FD_CLOEXEC);
	fcntl(m, F_SETFL, fcntl(m, F_GETFL) | O_NONBLOCK);
	t->master[fd] = m;
	t->slave[fd] = s;
	return 0;
}

static int same_terminal(int a, int b)
{
	struct stat sa, sb;

	return fstat(a, &sa) == 0 && fstat(b, &sb) == 0 &&
	       sa.st_rdev == sb.st_rdev;
}

struct ttyfwd *ttyfwd_new(void)
{
	struct ttyfwd *t = calloc(1, sizeof *t);
	int any = 0;

	if (!t)
		return NULL;
	for (int fd = 0; fd < 3; fd++)
		t->master[fd] = t->slave[fd] = -1;
	for (int fd = 1; fd <= 2; fd++)
		if (isatty(fd) && open_one(t, fd) == 0)
			any = 1;
	if (t->slave[1] >= 0 && t->slave[2] >= 0 && same_terminal(1, 2)) {
		/* one pty for both keeps stdout and stderr in order */
		close(t->master[2]);
		close(t->slave[2]);
		t->master[2] = -1;
		t->slave[2] = dup(t->slave[1]);
		if (t->slave[2] >= 0)
			fcntl(t->slave[2], F_SETFD, FD_CLOEXEC);
	}
	if (!any) {
		free(t);
		return NULL;
	}
	return t;
}

void ttyfwd_child(const struct ttyfwd *t)
{
	if (!t)
		return;
	for (int fd = 1; fd <= 2; fd++)
		if (t->slave[fd] >= 0)
			dup2(t->slave[fd], fd); /* dup2 clears FD_CLOEXEC */
}

void ttyfwd_parent(struct ttyfwd *t)
{
	if (!t)
		return;
	for (int fd = 1; fd <= 2; fd++) {
		if (t->slave[fd] >= 0)
			close(t->slave[fd]);
		t->slave[fd] = -1;
	}
}

static void write_all(int fd, const char *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return; /* the terminal went away: drop the output */
		p += w;
		n -= (size_t)w;
	}
}

long ttyfwd_pump(struct ttyfwd *t, void (*clear)(void *), void *arg,
		 int *mid_line)
{
	char buf[8192];
	long total = 0;

	if (!t)
		return 0;
	for (int fd = 1; fd <= 2; fd++) {
		for (;;) {
			ssize_t n;

			if (t->master[fd] < 0)
				break;
			n = read(t->master[fd], buf, sizeof buf);
			if (n < 0 && errno == EINTR)
				continue;
			if (n <= 0) {
				/* EAGAIN: nothing now; EIO/0: every writer
				 * closed its end: done with this fd */
				if (n == 0 || errno != EAGAIN) {
					close(t->master[fd]);
					t->master[fd] = -1;
				}
				break;
			}
			if (!total && clear)
				clear(arg);
			total += n;
			write_all(fd, buf, (size_t)n);
			t->mid_line = buf[n - 1] != '\n';
		}
	}
	if (mid_line)
		*mid_line = t->mid_line;
	return total;
}

void ttyfwd_free(struct ttyfwd *t, void (*clear)(void *), void *arg)
{
	if (!t)
		return;
	ttyfwd_pump(t, clear, arg, NULL);
	ttyfwd_parent(t);
	for (int fd = 1; fd <= 2; fd++)
		if (t->master[fd] >= 0)
			close(t->master[fd]);
	free(t);
}
