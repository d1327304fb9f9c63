/* error.h - flamer's one list of errors.
 *
 * Every function in flamer returns 0 on success or a negative number on
 * failure: either a negative errno (-ENOENT, -EACCES, ...) or one of the
 * negative FE_* codes below.  flamer_strerror() turns either kind into a
 * message.  The list is an X-macro so the enum and the messages cannot drift.
 */
#ifndef FLAMER_COMMON_ERROR_H
#define FLAMER_COMMON_ERROR_H

#define FLAMER_ERRORS(X)                                                    \
	X(FE_NOT_RECORDING, "not a flamer recording (bad magic)")           \
	X(FE_VERSION, "recording version not supported by this flamer")    \
	X(FE_TRUNCATED, "file is truncated")                                \
	X(FE_CORRUPT, "file is corrupt")                                    \
	X(FE_DECOMPRESS, "compressed block cannot be decompressed")        \
	X(FE_SYNTAX, "malformed input")                                     \
	X(FE_EMPTY, "no samples in input")                                  \
	X(FE_NUMBER, "not a number")                                        \
	X(FE_RANGE, "number out of range")                                  \
	X(FE_TOO_BIG, "input exceeds a size limit")                         \
	X(FE_NO_TARGET, "no such process")                                  \
	X(FE_KTHREAD, "process is a kernel thread")                         \
	X(FE_NO_EVENTS, "no perf events could be opened")                   \
	X(FE_NO_SYMBOL, "no symbol found")                                  \
	X(FE_NO_DEBUGINFO, "no debug information")                          \
	X(FE_UNSUPPORTED, "unsupported")                                    \
	X(FE_BAD_MEMORY, "target memory is inconsistent")                   \
	X(FE_INTERRUPTED, "interrupted")                                    \
	X(FE_FOREIGN_LINK, "is a symbolic link owned by another user; not " \
			   "followed")

enum flamer_error {
	FE_BASE_ = 4096, /* above every errno */
#define FLAMER_ERROR_ENUM_(name, msg) name,
	FLAMER_ERRORS(FLAMER_ERROR_ENUM_)
#undef FLAMER_ERROR_ENUM_
	FE_END_
};

/* flamer_strerror - message for a flamer return code.
 * err: a negative errno or a negative FE_* code (a positive value is
 * accepted too).  Returns a static string; never NULL. */
const char *flamer_strerror(int err);

/* Exit codes of the flamer command, listed in `flamer --help`. */
enum flamer_exit {
	FLAMER_EXIT_OK = 0,      /* complete result */
	FLAMER_EXIT_FAIL = 1,    /* nothing useful produced */
	FLAMER_EXIT_USAGE = 2,   /* bad command line */
	FLAMER_EXIT_PARTIAL = 3, /* result written but incomplete */
	FLAMER_EXIT_PERM = 4,    /* not permitted (privileges, paranoid sysctl) */
	FLAMER_EXIT_NO_SAMPLES = 5, /* record: the target used no CPU while
				     * recorded; the (empty) recording is kept */
};

#endif
