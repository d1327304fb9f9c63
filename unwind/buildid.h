/* buildid.h - the GNU build-id of an ELF file, as lower-case hex. */
#ifndef FLAMER_UNWIND_BUILDID_H
#define FLAMER_UNWIND_BUILDID_H

#include <stddef.h>

/* Reads path's NT_GNU_BUILD_ID note into hex (at least 41 bytes for the
 * usual 20-byte id; longer ids are cut to fit).  Returns 0, -ENOENT when the
 * file has no build-id, or another negative errno. */
int buildid_read(const char *path, char *hex, size_t len);

/* Formats n raw bytes as hex into out (len bytes, NUL-terminated). */
void buildid_hex(const unsigned char *id, size_t n, char *out, size_t len);

#endif
