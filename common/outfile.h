/* outfile.h - output files written so a failed run never replaces a good
 * file with a half-written one.
 *
 * outfile_open() creates a temporary file next to the destination
 * (O_CREAT|O_EXCL|O_NOFOLLOW, mode 0644 less umask), so a symlink planted in
 * /tmp by another user is never followed.  outfile_commit() fsyncs and renames
 * it into place; outfile_abort() removes it.  The path "-" means stdout: no
 * temporary file, commit and abort just flush.
 */
#ifndef FLAMER_COMMON_OUTFILE_H
#define FLAMER_COMMON_OUTFILE_H

#include <stdio.h>

struct outfile;

/* Returns a new handle (owned by the caller, released by commit or abort) or
 * NULL with *err set to a negative errno, or -FE_FOREIGN_LINK when path is a
 * symbolic link owned by another user (never followed).  A link of one's
 * own is replaced by the new file, not written through. */
struct outfile *outfile_open(const char *path, int *err);

/* The file descriptor to write to; valid until commit or abort. */
int outfile_fd(const struct outfile *of);

/* A stdio stream on the file (created on first call, owned by the handle). */
FILE *outfile_stream(struct outfile *of);

/* The final path (borrowed, lives as long as the handle). */
const char *outfile_path(const struct outfile *of);

/* Flush, fsync and rename into place; frees the handle in every case.
 * Returns 0 or a negative errno (the temporary file is removed then). */
int outfile_commit(struct outfile *of);

/* Rename into place what was written, without fsync and never removing it:
 * for a result that is incomplete but valid (a recording cut short by a
 * full disk).  Frees the handle.  Returns 0 or a negative errno. */
int outfile_keep(struct outfile *of);

/* Remove the temporary file and free the handle. NULL is accepted. */
void outfile_abort(struct outfile *of);

#endif
