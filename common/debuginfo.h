/* debuginfo.h - where libdwfl looks for separate debug files, shared by
 * every Dwfl_Callbacks of flamer (unwind/addrspace_sym.c, unwind/srcfile.c,
 * unwind/python/layout_dwarf.c).
 *
 * NULL means libdwfl's default (":.debug:/usr/lib/debug": next to the
 * file, its .debug directory, and /usr/lib/debug, by build-id and by
 * .gnu_debuglink).  The test knob FLAMER_TEST_NO_DEBUGINFO (set, not "0")
 * points it at a directory that does not exist, so a test sees a machine
 * without -dbg packages (Debian's python3.11 without python3.11-dbg). */
#ifndef FLAMER_COMMON_DEBUGINFO_H
#define FLAMER_COMMON_DEBUGINFO_H

/* For Dwfl_Callbacks.debuginfo_path; borrowed, never freed. */
extern char *fl_debuginfo_path;

/* Sets fl_debuginfo_path from the environment; call before dwfl_begin.
 * Idempotent. */
void fl_debuginfo_init(void);

#endif
