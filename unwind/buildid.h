/* buildid.h - the GNU build-id of an ELF file, as lower-case hex. */
#ifndef FLAMER_UNWIND_BUILDID_H
#define FLAMER_UNWIND_BUILDID_H

#include <stddef.h>

/* Reads path's NT_GNU_BUILD_ID note into hex (at least 41 bytes for the
 * usual 20-byte id; longer ids are cut to fit).  Returns 0, -ENOENT when the
 * file has no build-id, or another negative errno. */
int buildid_read(const char *path, char *hex, size_t len);

/* Build-ids already read, by path: a parallel build maps the same cc1,
 * as and libc hundreds of times, and opening each file again to check its
 * build-id (an mmap, an munmap and its TLB flush per record) was a tenth
 * of the recorder's CPU. */
struct buildid_cache;

/* New, empty cache; owned by the caller (buildid_cache_free).  NULL on
 * ENOMEM. */
struct buildid_cache *buildid_cache_new(void);

void buildid_cache_free(struct buildid_cache *c); /* NULL is accepted */

/* As buildid_read, but answered from c while the file at path has the
 * device, inode, size, modification and change times it had when it was
 * read (a file replaced or rewritten since is read again).  c may be NULL:
 * then it is buildid_read. */
int buildid_read_cached(struct buildid_cache *c, const char *path, char *hex,
			size_t len);

/* Formats n raw bytes as hex into out (len bytes, NUL-terminated). */
void buildid_hex(const unsigned char *id, size_t n, char *out, size_t len);

#endif
