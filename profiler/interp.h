/* interp.h - which interpreter a program is: the recorder's one place for
 * it.  Decides the sampling set-up before a launch (stack size, prompt
 * wake-ups) and which walkers the world starts for a process.  Pure: it
 * looks at names only (the world passes what a process maps).
 */
#ifndef FLAMER_PROFILER_INTERP_H
#define FLAMER_PROFILER_INTERP_H

#include <sys/types.h>

enum { INTERP_PYTHON = 1, INTERP_BEAM = 2, INTERP_NODE = 4 };

/* INTERP_* bits for a program or a mapped file's path (its basename:
 * python*, libpython*, beam.smp, and for a command the BEAM launchers
 * erl, elixir, iex, mix, escript; node, nodejs, libnode*); 0 for
 * anything else. */
unsigned interp_kind_of_path(const char *path);

/* INTERP_* bits of a running process, from what it maps (read through
 * the address space's maps parser). */
unsigned interp_kind_of_pid(pid_t pid);

#endif
