#include "log.h"
#include "error.h"

#include <stdarg.h>
#include <stdio.h>

bool fl_quiet;

static void vlog(const char *what, const char *fmt, va_list ap)
{
	char msg[1024];

	vsnprintf(msg, sizeof msg, fmt, ap);
	if (what)
		fprintf(stderr, "flamer: %s: %s\n", what, msg);
	else
		fprintf(stderr, "flamer: %s\n", msg);
}

void fl_error(const char *what, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(what, fmt, ap);
	va_end(ap);
}

void fl_warn(const char *what, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vlog(what, fmt, ap);
	va_end(ap);
}

void fl_note(const char *what, const char *fmt, ...)
{
	va_list ap;

	if (fl_quiet)
		return;
	va_start(ap, fmt);
	vlog(what, fmt, ap);
	va_end(ap);
}

void fl_error_code(const char *what, int err)
{
	fl_error(what, "%s", flamer_strerror(err));
}
