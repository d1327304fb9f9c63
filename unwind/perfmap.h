/* perfmap.h - JIT symbols from a perf map (/tmp/perf-PID.map).
 *
 * A JIT that wants its code symbolised appends one line per code region:
 *
 *     START SIZE NAME\n        START, SIZE in hex, "0x" optional
 *
 * The BEAM JIT (OTP 24+, `erl +JPperf map`) writes "0x7f03d25c0f70 f0
 * $fibm:fib/1": names start with '$', Erlang functions are MOD:FUN/ARITY,
 * "$MOD:FUN/ARITY-CodeInfoPrologue" is the function's header, and
 * "$global::NAME" / "$MOD::codeHeader" are shared helpers and module
 * headers.  Other JITs (V8, the JVM's perf-map-agent, LuaJIT) write the same
 * three fields without the 0x.
 *
 * Names are shown as the user knows them:
 *     $fibm:fib/1                          fibm:fib/1          FK_ERLANG
 *     $fibm:fib/1-CodeInfoPrologue         fibm:fib/1          FK_ERLANG
 *     $'Elixir.MyApp.Worker':run/2         MyApp.Worker.run/2  FK_ERLANG
 *     $'Elixir.M':'__info__'/1             M.__info__/1        FK_ERLANG
 *     $global::call_light_bif_shared       call_light_bif_shared  FK_JIT
 *     $fibm::codeHeader                    fibm::codeHeader    FK_JIT
 *     anything else                        as written          FK_JIT
 *
 * Overlapping entries (code reloaded at a recycled address, a JIT that
 * rewrites a region): the entry written LATER in the file wins for every
 * address it covers; an earlier entry stays visible where it is not
 * covered.  So a map that only grows always describes the newest code.
 *
 * Limits (a map is untrusted input written by the target): a line longer
 * than PERFMAP_MAX_LINE bytes, a name with control characters or NUL,
 * a bad number or a range that wraps around is skipped and counted
 * (perfmap_bad_lines); at most PERFMAP_MAX_ENTRIES entries are kept, after
 * which refresh returns -FE_TOO_BIG and reads no more.
 *
 * A handle is not thread-safe; lookups are O(log n).
 */
#ifndef FLAMER_UNWIND_PERFMAP_H
#define FLAMER_UNWIND_PERFMAP_H

#include "../recording/recfile.h"

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define PERFMAP_MAX_LINE 4096
#define PERFMAP_MAX_ENTRIES (1u << 22)

struct perfmap;

/* perfmap_open - open /tmp/perf-PID.map of process pid and read it.
 * The file is trusted only if it is a regular file (not a symlink, FIFO,
 * device) owned by target_uid or by root: it is opened with
 * O_NOFOLLOW|O_NONBLOCK and checked with fstat on the open descriptor.
 * Returns 0 and a new handle in *out (owned by the caller, perfmap_free);
 * -ENOENT if there is no map; -EPERM if the file is not trusted; another
 * negative errno (-EACCES, -ENOMEM, ...) otherwise.  *out is untouched on
 * error. */
int perfmap_open(pid_t pid, uid_t target_uid, struct perfmap **out);

/* perfmap_open_why - perfmap_open, and when it returns -EPERM, *why (may
 * be NULL) is set to a static phrase for the message, e.g. "not owned by
 * the target's user or root".  started_ns (CLOCK_REALTIME ns; 0 = unknown)
 * is when the process started: a map last written more than 1 s before is
 * an earlier process's that had the pid (pids are reused and maps are
 * left in /tmp), and gives -ESTALE. */
int perfmap_open_why(pid_t pid, uid_t target_uid, uint64_t started_ns,
		     struct perfmap **out, const char **why);

/* perfmap_path - writes "/tmp/perf-PID.map" into buf (len bytes); for a
 * process in another pid or mount namespace (a container) or chroot,
 * "/proc/PID/root/tmp/perf-NSPID.map" with the pid it knows itself by.
 * 64 bytes are enough. */
void perfmap_path(pid_t pid, char *buf, size_t len);

/* perfmap_refresh - read the lines appended to the file since the last call
 * (a half-written last line is kept until its newline arrives).  A handle
 * from perfmap_parse_mem has no file: refresh returns 0 and does nothing.
 * Returns 0, -FE_TOO_BIG when the entry limit was reached, or a negative
 * errno from read.  Names returned earlier stay valid. */
int perfmap_refresh(struct perfmap *m);

/* perfmap_lookup - the entry covering addr.  On success sets *name (borrowed:
 * valid until perfmap_free, NUL-terminated) and *kind (FK_ERLANG or FK_JIT)
 * and returns 0; returns -FE_NO_SYMBOL if no entry covers addr (the caller
 * may then call perfmap_refresh once and retry).  name and kind may be
 * NULL. */
int perfmap_lookup(const struct perfmap *m, uint64_t addr, const char **name,
		   enum frame_kind *kind);

/* perfmap_parse_mem - a handle built from the len bytes at buf (a last line
 * without newline is parsed too).  Bad lines are counted, not fatal.
 * Returns 0 and *out (owned by the caller), -ENOMEM or -FE_TOO_BIG. */
int perfmap_parse_mem(const char *buf, size_t len, struct perfmap **out);

/* Number of lines skipped as malformed so far. */
size_t perfmap_bad_lines(const struct perfmap *m);

/* Number of address ranges in the lookup table (after overlap resolution). */
size_t perfmap_count(const struct perfmap *m);

/* perfmap_display_name - the shown form of one map name (see the table
 * above) written into out (outlen bytes, truncated, always NUL-terminated
 * when outlen > 0).  Returns its kind. */
enum frame_kind perfmap_display_name(const char *name, size_t namelen,
				     char *out, size_t outlen);

void perfmap_free(struct perfmap *m); /* NULL is accepted */

#endif
