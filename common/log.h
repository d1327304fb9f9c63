/* log.h - the one way flamer talks to the user on stderr.
 *
 * Every message is one line: "flamer: WHAT: WHY".  fl_error() is for the
 * error that ends the command (print it once, where it is handled);
 * fl_warn() for something the user should know but that does not stop work;
 * fl_note() for information (suppressed by fl_quiet).
 */
#ifndef FLAMER_COMMON_LOG_H
#define FLAMER_COMMON_LOG_H

#include <stdbool.h>

extern bool fl_quiet;

/* what: the subject (file name, option, pid); may be NULL. */
void fl_error(const char *what, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void fl_warn(const char *what, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void fl_note(const char *what, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* fl_error_code - print "flamer: WHAT: <message of err>". err as in
 * flamer_strerror(). */
void fl_error_code(const char *what, int err);

#endif
