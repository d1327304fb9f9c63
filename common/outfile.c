#include "outfile.h"
#include "error.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

struct outfile {
	char *path;
	char *tmp; /* NULL for stdout */
	int fd;
	FILE *stream;
};

static int open_tmp(struct outfile *of)
{
	size_t n = strlen(of->path) + 32;
	unsigned seed = (unsigned)getpid() ^ (unsigned)time(NULL);

	of->tmp = malloc(n);
	if (!of->tmp)
		return -ENOMEM;
	for (int i = 0; i < 100; i++) {
		snprintf(of->tmp, n, "%s.tmp-%d-%u", of->path, (int)getpid(),
			 seed + (unsigned)i * 7919u);
		of->fd = open(of->tmp,
			      O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
			      0644);
		if (of->fd >= 0)
			return 0;
		if (errno != EEXIST)
			return -errno;
	}
	return -EEXIST;
}

struct outfile *outfile_open(const char *path, int *err)
{
	struct outfile *of = calloc(1, sizeof *of);
	struct stat st;

	if (!of || !(of->path = strdup(path))) {
		*err = -ENOMEM;
		goto fail;
	}
	of->fd = -1;
	if (strcmp(path, "-") == 0) {
		of->fd = STDOUT_FILENO;
		return of;
	}
	/* Refuse to write through a symlink someone else owns. */
	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode) &&
	    st.st_uid != geteuid()) {
		*err = -FE_FOREIGN_LINK;
		goto fail;
	}
	*err = open_tmp(of);
	if (*err)
		goto fail;
	return of;
fail:
	if (of) {
		free(of->tmp);
		free(of->path);
		free(of);
	}
	return NULL;
}

int outfile_fd(const struct outfile *of)
{
	return of->fd;
}

FILE *outfile_stream(struct outfile *of)
{
	if (!of->stream) {
		if (!of->tmp)
			of->stream = stdout;
		else
			of->stream = fdopen(of->fd, "w");
	}
	return of->stream;
}

const char *outfile_path(const struct outfile *of)
{
	return of->path;
}

static void outfile_free(struct outfile *of)
{
	free(of->tmp);
	free(of->path);
	free(of);
}

int outfile_commit(struct outfile *of)
{
	int err = 0;

	if (of->stream && fflush(of->stream) != 0)
		err = -errno;
	if (!of->tmp) {
		outfile_free(of);
		return err;
	}
	if (!err && fsync(of->fd) != 0 && errno != EINVAL)
		err = -errno;
	if (of->stream) {
		if (fclose(of->stream) != 0 && !err)
			err = -errno;
	} else if (close(of->fd) != 0 && !err) {
		err = -errno;
	}
	if (!err && rename(of->tmp, of->path) != 0)
		err = -errno;
	if (err)
		unlink(of->tmp);
	outfile_free(of);
	return err;
}

void outfile_abort(struct outfile *of)
{
	if (!of)
		return;
	if (of->tmp) {
		if (of->stream)
			fclose(of->stream);
		else
			close(of->fd);
		unlink(of->tmp);
	} else if (of->stream) {
		fflush(of->stream);
	}
	outfile_free(of);
}

int outfile_keep(struct outfile *of)
{
	int err = 0;

	if (of->stream)
		fflush(of->stream);
	if (of->tmp) {
		if (of->stream)
			fclose(of->stream);
		else
			close(of->fd);
		if (rename(of->tmp, of->path) != 0)
			err = -errno;
	}
	outfile_free(of);
	return err;
}
