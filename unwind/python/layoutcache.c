/* layoutcache.c - pylayout_from_dwarf once per file (see pyint.h).
 *
 * Every process of a program maps the same libpython (or python3.x), and
 * a forking server or a multiprocessing pool brings tens of them at once.
 * Read for each, on a thread each (dwarfjob.c), a pool of 16 workers of
 * Debian's python3.11 made 17 reads of the compressed python3.11-dbg file
 * and the recorder's peak memory 837 MB (97 MB for one process).  The
 * result is kept here per file (device, inode, size, mtime) and 3.minor:
 * the first caller reads, callers for the same file meanwhile wait for
 * it, later ones take the result at once.  It is kept for the life of the
 * recorder (one entry per interpreter build seen).  Thread-safe. */
#include "pyint.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct entry {
	dev_t dev;
	ino_t ino;
	off_t size;
	struct timespec mtime;
	int minor;
	int done;          /* else being read by a caller */
	int err;
	struct pylayout l; /* as the read left it, also on an error */
	char *src;         /* its *source, or NULL */
	int src_is_path;   /* src was "DWARF <the path read>" */
	struct entry *next;
};

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static struct entry *entries;
static unsigned long reads;

static struct entry *find(const struct stat *st, int minor)
{
	for (struct entry *e = entries; e; e = e->next)
		if (e->dev == st->st_dev && e->ino == st->st_ino &&
		    e->size == st->st_size && e->minor == minor &&
		    e->mtime.tv_sec == st->st_mtim.tv_sec &&
		    e->mtime.tv_nsec == st->st_mtim.tv_nsec)
			return e;
	return NULL;
}

static void unlink_entry(struct entry *gone)
{
	for (struct entry **pe = &entries; *pe; pe = &(*pe)->next)
		if (*pe == gone) {
			*pe = gone->next;
			return;
		}
}

/* The entry's result for a caller that asked with path (mu held). */
static int take(const struct entry *e, const char *path, struct pylayout *l,
		char **source)
{
	*l = e->l;
	if (e->err || !e->src)
		return e->err;
	if (e->src_is_path ? asprintf(source, "DWARF %s", path) < 0 :
			     !(*source = strdup(e->src))) {
		*source = NULL;
		return -ENOMEM;
	}
	return 0;
}

int pylayout_from_dwarf_once(const char *path, struct pylayout *l,
			     char **source)
{
	struct stat st;
	struct entry *e;
	struct pylayout mine;
	char *src = NULL;
	int err;

	if (stat(path, &st) != 0)
		return pylayout_from_dwarf(path, l, source);
	pthread_mutex_lock(&mu);
	while ((e = find(&st, l->minor)) && !e->done)
		pthread_cond_wait(&cv, &mu);
	if (e) {
		err = take(e, path, l, source);
		pthread_mutex_unlock(&mu);
		return err;
	}
	e = calloc(1, sizeof *e);
	if (!e) {
		pthread_mutex_unlock(&mu);
		return -ENOMEM;
	}
	e->dev = st.st_dev;
	e->ino = st.st_ino;
	e->size = st.st_size;
	e->mtime = st.st_mtim;
	e->minor = l->minor;
	e->next = entries;
	entries = e;
	pthread_mutex_unlock(&mu);

	mine = *l;
	err = pylayout_from_dwarf(path, &mine, &src);

	pthread_mutex_lock(&mu);
	reads++;
	if (err == -ENOMEM) {
		/* not the file's answer: the next caller tries again */
		unlink_entry(e);
		free(e);
		free(src);
		*l = mine;
		pthread_cond_broadcast(&cv);
		pthread_mutex_unlock(&mu);
		return err;
	}
	e->err = err;
	e->l = mine;
	e->src = src;
	e->src_is_path = src && !strncmp(src, "DWARF ", 6) &&
			 !strcmp(src + 6, path);
	e->done = 1;
	pthread_cond_broadcast(&cv);
	err = take(e, path, l, source);
	pthread_mutex_unlock(&mu);
	return err;
}

unsigned long pylayout_dwarf_reads(void)
{
	unsigned long n;

	pthread_mutex_lock(&mu);
	n = reads;
	pthread_mutex_unlock(&mu);
	return n;
}
