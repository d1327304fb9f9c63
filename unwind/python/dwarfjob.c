/* dwarfjob.c - pylayout_from_dwarf_once on a thread of its own (pyint.h).
 *
 * Reading the layout from Debian's compressed python3.11-dbg file takes
 * ~100 ms.  Done in the recorder's loop, it stopped the draining of the
 * rings for that long at a launched interpreter's start, and at 999 Hz
 * 88-117 samples were lost in every run (tests/python/t_bpf_callers.sh).
 * The job has its own Dwfl (pylayout_from_dwarf opens one), so nothing
 * is shared with the recorder's thread but the read-only file and the
 * result kept per file (layoutcache.c), under its lock. */
#include "pyint.h"

#include "../../common/debuginfo.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

struct pydwarf_job {
	pthread_t th;
	int threaded;           /* th was started (else the job ran at once) */
	char *path;
	struct pylayout l;
	char *src;
	int err;
	atomic_int done;
};

static void *run(void *arg)
{
	struct pydwarf_job *j = arg;

	j->err = pylayout_from_dwarf_once(j->path, &j->l, &j->src);
	atomic_store(&j->done, 1);
	return NULL;
}

int pydwarf_job_start(const char *path, int minor, struct pydwarf_job **out)
{
	struct pydwarf_job *j = calloc(1, sizeof *j);
	sigset_t all, old;

	if (!j || !(j->path = strdup(path))) {
		free(j);
		return -ENOMEM;
	}
	memset(&j->l, 0xff, sizeof j->l);
	j->l.minor = minor;
	fl_debuginfo_init(); /* before the thread: it reads the same setting */
	/* the recorder's signals (Ctrl-C) go to its own thread */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	j->threaded = pthread_create(&j->th, NULL, run, j) == 0;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!j->threaded)
		run(j); /* no thread to be had: the old way, at once */
	*out = j;
	return 0;
}

int pydwarf_job_done(struct pydwarf_job *j)
{
	return atomic_load(&j->done);
}

int pydwarf_job_finish(struct pydwarf_job *j, struct pylayout *l,
		       char **source)
{
	int err;

	if (j->threaded)
		pthread_join(j->th, NULL);
	err = j->err;
	*l = j->l;
	*source = j->src;
	free(j->path);
	free(j);
	return err;
}
