/* Mappings of an addrspace: kept sorted and non-overlapping. */
#include "addrspaceP.h"
#include "../common/vec.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>

struct addrspace *addrspace_new(pid_t pid)
{
	struct addrspace *as = calloc(1, sizeof *as);
	char path[64];
	struct stat a, b;

	if (!as)
		return NULL;
	as->pid = pid;
	/* A target in a container (another root, or another mount
	 * namespace: a bind mount over a path) sees other files at the same
	 * paths. */
	snprintf(path, sizeof path, "/proc/%d/root", (int)pid);
	if (stat(path, &a) == 0 && stat("/proc/self/root", &b) == 0 &&
	    (a.st_dev != b.st_dev || a.st_ino != b.st_ino))
		as->root = strdup(path);
	snprintf(path, sizeof path, "/proc/%d/ns/mnt", (int)pid);
	if (!as->root && stat(path, &a) == 0 &&
	    stat("/proc/self/ns/mnt", &b) == 0 &&
	    (a.st_dev != b.st_dev || a.st_ino != b.st_ino)) {
		snprintf(path, sizeof path, "/proc/%d/root", (int)pid);
		as->root = strdup(path);
	}
	return as;
}

int addrspace_set_root(struct addrspace *as, const char *root)
{
	char *r = root ? strdup(root) : NULL;

	if (root && !r)
		return -ENOMEM;
	if (!!r != !!as->root || (r && strcmp(r, as->root)))
		as->dirty = 1; /* other files: rebuild the module list */
	free(as->root);
	as->root = r;
	return 0;
}

void addrspace_clear(struct addrspace *as)
{
	for (size_t i = 0; i < as->nmaps; i++)
		free(as->maps[i].path);
	as->nmaps = 0;
	as->dirty = 1;
}

void addrspace_exec(struct addrspace *as, uint64_t time)
{
	size_t kept = 0;

	for (size_t i = 0; i < as->nmaps; i++) {
		if (as->maps[i].time < time)
			free(as->maps[i].path);
		else
			as->maps[kept++] = as->maps[i];
	}
	as->nmaps = kept;
	as->exec_time = time;
	as->dirty = 1;
	/* a new image: libdwfl's state (modules, and the attached thread
	 * state made from the old image's ELF) must not outlive the old one */
	addrspace_release_modules(as);
}

void addrspace_free(struct addrspace *as)
{
	if (!as)
		return;
	addrspace_clear(as);
	addrspace_symtab_free(as);
	addrspace_var_free(as);
	if (as->dwfl)
		dwfl_end(as->dwfl);
	free(as->maps);
	free(as->root);
	free(as);
}

size_t addrspace_nmaps(const struct addrspace *as)
{
	return as->nmaps;
}

void addrspace_set_jit(struct addrspace *as, addrspace_jit_fn fn, void *ctx)
{
	as->jit = fn;
	as->jit_ctx = ctx;
}

void addrspace_set_flags(struct addrspace *as, unsigned flags)
{
	as->flags = flags;
}

const struct mapping *addrspace_find_map(const struct addrspace *as,
					 uint64_t addr)
{
	size_t lo = 0, hi = as->nmaps;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (addr < as->maps[mid].start)
			hi = mid;
		else if (addr >= as->maps[mid].end)
			lo = mid + 1;
		else
			return &as->maps[mid];
	}
	return NULL;
}

/* Removes [start, end) from the table, splitting mappings it cuts. */
static int punch(struct addrspace *as, uint64_t start, uint64_t end)
{
	for (size_t i = 0; i < as->nmaps; i++) {
		struct mapping *m = &as->maps[i];

		if (m->end <= start || m->start >= end)
			continue;
		if (m->start < start && m->end > end) {
			/* split in two: keep [m->start,start) and [end,m->end) */
			struct mapping tail = *m;

			if (as->nmaps == as->cap)
				return -EAGAIN; /* not reached: the caller reserves room */
			tail.path = strdup(m->path);
			if (!tail.path)
				return -ENOMEM;
			tail.pgoff += end - m->start;
			tail.start = end;
			m->end = start;
			memmove(m + 2, m + 1, (as->nmaps - i - 1) * sizeof *m);
			m[1] = tail;
			as->nmaps++;
			return 0;
		}
		if (m->start >= start && m->end <= end) {
			free(m->path);
			memmove(m, m + 1, (as->nmaps - i - 1) * sizeof *m);
			as->nmaps--;
			i--;
			continue;
		}
		if (m->start < start) {
			m->end = start;
		} else {
			m->pgoff += end - m->start;
			m->start = end;
		}
	}
	return 0;
}

/* Names the kernel gives anonymous memory in MMAP2 records: "//anon"
 * (JIT code: V8, the JVM, BEAM), "/anon_hugepage", "/dev/zero": no file,
 * no symbols, and no module to rebuild libdwfl for. */
static int is_anon_name(const char *path)
{
	return !strncmp(path, "//anon", 6) ||
	       !strncmp(path, "/anon_hugepage", 14) ||
	       !strncmp(path, "/dev/zero", 9);
}

int addrspace_add_map(struct addrspace *as, uint64_t time, uint64_t start,
		      uint64_t len, uint64_t pgoff, uint32_t prot,
		      const char *path)
{
	uint64_t end = start + len;
	size_t i;
	int err;

	if (!len || end < start || time < as->exec_time)
		return 0;
	/* room for a mapping split in two by punch() and the new one */
	if (vec_reserve((void **)&as->maps, &as->cap, as->nmaps + 2,
			sizeof *as->maps))
		return -ENOMEM;
	err = punch(as, start, end);
	if (err)
		return err;
	if (!path || (path[0] != '/' && strcmp(path, "[vdso]") != 0) ||
	    is_anon_name(path))
		return 0; /* anonymous, [heap], [stack]: no symbols */
	for (i = 0; i < as->nmaps && as->maps[i].start < start; i++)
		;
	memmove(&as->maps[i + 1], &as->maps[i],
		(as->nmaps - i) * sizeof *as->maps);
	as->maps[i].start = start;
	as->maps[i].end = end;
	as->maps[i].pgoff = pgoff;
	as->maps[i].prot = prot;
	as->maps[i].time = time;
	as->maps[i].path = strdup(path);
	if (!as->maps[i].path) {
		memmove(&as->maps[i], &as->maps[i + 1],
			(as->nmaps - i) * sizeof *as->maps);
		return -ENOMEM;
	}
	as->nmaps++;
	if (prot & PROT_EXEC)
		as->dirty = 1;
	return 0;
}

struct addrspace *addrspace_fork(const struct addrspace *parent, pid_t pid)
{
	struct addrspace *as = addrspace_new(pid);

	if (!as)
		return NULL;
	as->flags = parent->flags;
	as->exec_time = parent->exec_time;
	for (size_t i = 0; i < parent->nmaps; i++) {
		const struct mapping *m = &parent->maps[i];

		if (addrspace_add_map(as, m->time, m->start, m->end - m->start,
				      m->pgoff, m->prot, m->path)) {
			addrspace_free(as);
			return NULL;
		}
	}
	return as;
}

int addrspace_load_proc_maps(struct addrspace *as, uint64_t time)
{
	char path[64], *line = NULL;
	size_t cap = 0;
	FILE *f;
	int err = 0;

	snprintf(path, sizeof path, "/proc/%d/maps", (int)as->pid);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (getline(&line, &cap, f) > 0) {
		uint64_t start, end, off;
		char perms[8];
		int pos = 0;
		uint32_t prot = 0;
		char *p;

		if (sscanf(line, "%" SCNx64 "-%" SCNx64 " %7s %" SCNx64
				 " %*s %*u %n",
			   &start, &end, perms, &off, &pos) < 4 || !pos)
			continue;
		p = line + pos;
		p[strcspn(p, "\n")] = '\0';
		if (perms[0] == 'r')
			prot |= PROT_READ;
		if (perms[1] == 'w')
			prot |= PROT_WRITE;
		if (perms[2] == 'x')
			prot |= PROT_EXEC;
		err = addrspace_add_map(as, time, start, end - start, off,
					prot, p);
		if (err)
			break;
	}
	free(line);
	fclose(f);
	return err;
}

int addrspace_foreach_map(const struct addrspace *as, addrspace_map_fn fn,
			  void *ctx)
{
	for (size_t i = 0; i < as->nmaps; i++) {
		const struct mapping *m = &as->maps[i];
		int rc = fn(ctx, m->start, m->end, m->pgoff, m->prot, m->path);

		if (rc)
			return rc;
	}
	return 0;
}

int addrspace_covers(const struct addrspace *as, uint64_t addr)
{
	return addrspace_find_map(as, addr) != NULL;
}
