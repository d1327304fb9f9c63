#include "buildid.h"

#include <elfutils/libdwelf.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../common/vec.h"

struct bid_ent {
	char *path;
	struct stat st;     /* as when it was read */
	int err;            /* buildid_read's result */
	char hex[2 * 64 + 1];
};

struct buildid_cache {
	struct bid_ent *e;
	size_t n, cap;
};

void buildid_hex(const unsigned char *id, size_t n, char *out, size_t len)
{
	static const char digits[] = "0123456789abcdef";
	size_t o = 0;

	for (size_t i = 0; i < n && o + 2 < len; i++) {
		out[o++] = digits[id[i] >> 4];
		out[o++] = digits[id[i] & 15];
	}
	if (len)
		out[o] = '\0';
}

int buildid_read(const char *path, char *hex, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), err = -ENOENT;
	const void *id;
	ssize_t n;
	Elf *elf;

	if (fd < 0)
		return -errno;
	elf_version(EV_CURRENT);
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (elf) {
		n = dwelf_elf_gnu_build_id(elf, &id);
		if (n > 0) {
			buildid_hex(id, (size_t)n, hex, len);
			err = 0;
		}
		elf_end(elf);
	}
	close(fd);
	return err;
}

struct buildid_cache *buildid_cache_new(void)
{
	return calloc(1, sizeof(struct buildid_cache));
}

void buildid_cache_free(struct buildid_cache *c)
{
	if (!c)
		return;
	for (size_t i = 0; i < c->n; i++)
		free(c->e[i].path);
	free(c->e);
	free(c);
}

static int same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino &&
	       a->st_size == b->st_size &&
	       a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
	       a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
	       a->st_ctim.tv_sec == b->st_ctim.tv_sec &&
	       a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

static void give(const struct bid_ent *e, char *hex, size_t len)
{
	size_t n = strlen(e->hex);

	if (!len)
		return;
	if (n >= len)
		n = len - 1;
	memcpy(hex, e->hex, n);
	hex[n] = '\0';
}

int buildid_read_cached(struct buildid_cache *c, const char *path, char *hex,
			size_t len)
{
	struct stat st;
	struct bid_ent *e = NULL;

	if (!c || stat(path, &st) != 0)
		return buildid_read(path, hex, len);
	for (size_t i = 0; i < c->n && !e; i++)
		if (!strcmp(c->e[i].path, path))
			e = &c->e[i];
	if (e && same_file(&e->st, &st)) {
		if (!e->err)
			give(e, hex, len);
		return e->err;
	}
	if (!e) {
		char *copy = strdup(path);

		if (!copy || vec_reserve((void **)&c->e, &c->cap, c->n + 1,
					 sizeof *c->e)) {
			free(copy);
			return buildid_read(path, hex, len);
		}
		e = &c->e[c->n++];
		*e = (struct bid_ent){ .path = copy };
	}
	e->st = st;
	e->hex[0] = '\0';
	e->err = buildid_read(path, e->hex, sizeof e->hex);
	if (!e->err)
		give(e, hex, len);
	return e->err;
}
