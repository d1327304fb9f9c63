/* srcfile.h - source lines of one ELF file, read after sampling.
 *
 * The recorder notes code locations as (file version, file offset) while
 * it samples, which costs nothing; their source files and lines are
 * looked up once sampling has stopped (profiler/srclines.h), file by
 * file, through this offline reader: libdwfl on the file alone (no
 * process), with its separate debug info found by build-id or
 * .gnu_debuglink as for symbols.  A file whose build-id is not the
 * recorded one (replaced since) is refused: its lines would be another
 * program's.
 */
#ifndef FLAMER_UNWIND_SRCFILE_H
#define FLAMER_UNWIND_SRCFILE_H

#include <stdint.h>

struct srcfile;

/* Opens path (an executable or shared object) if its build-id is
 * build_id (hex).  *out is owned by the caller (srcfile_free).  0,
 * -ENOENT (no such file, no ELF), -ESTALE (another build-id) or
 * -ENOMEM. */
int srcfile_open(const char *path, const char *build_id, struct srcfile **out);
void srcfile_free(struct srcfile *sf); /* NULL is accepted */

/* A source position (file borrowed until the next srcfile call on the
 * same file; line 0 = unknown). */
struct srcpos {
	const char *file; /* absolute when DWARF gives the compilation directory */
	uint32_t line;
};

/* Where the code at file offset `offset` is in the source, from DWARF:
 * pos[0] the line-table position (in the innermost function inlined
 * there), pos[1..] the call site of each inlined function, innermost
 * first, the last being the position in the function that holds the
 * code.  *n = 0 without debug info or line.  0 or a negative errno. */
int srcfile_lines(struct srcfile *sf, uint64_t offset, struct srcpos *pos,
		  unsigned max, unsigned *n);

#endif
