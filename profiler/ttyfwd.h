/* ttyfwd.h - a launched command's terminal output, passed through flamer
 * so the progress line can be cleared before it.
 *
 * When flamer draws its progress line on a terminal and the command it
 * launches writes to the same terminal, the two would mix on one line.
 * For each of fds 1 and 2 that is a terminal, the command gets the slave of
 * a new pseudo-terminal instead (so isatty() stays true, with the real
 * window size), and flamer copies what it writes to the real fd, calling
 * a "clear" callback before the first byte of each burst.  Bytes are
 * passed unchanged (the pty does no output processing); when 1 and 2 are
 * the same terminal they share one pty, so their order is kept.  What the
 * command's background children write after the recording ends is lost
 * (the pty is closed then).
 *
 *   t = ttyfwd_new();            before fork; NULL: nothing to forward
 *   child:  ttyfwd_child(t);     before exec
 *   parent: ttyfwd_parent(t);    after fork
 *   ttyfwd_pump(t, clear, arg);  often, while recording
 *   ttyfwd_free(t);              at the end: copies what is left
 */
#ifndef FLAMER_PROFILER_TTYFWD_H
#define FLAMER_PROFILER_TTYFWD_H

struct ttyfwd;

/* A forwarder (owned by the caller) for the fds among 1 and 2 that are
 * terminals, or NULL when none is (or a pty cannot be had: the command
 * then writes to the terminal directly, as without flamer). */
struct ttyfwd *ttyfwd_new(void);

/* In the child: the pty slaves become its fds 1/2.  Async-signal-safe. */
void ttyfwd_child(const struct ttyfwd *t);

/* In the parent after fork: closes the slaves. */
void ttyfwd_parent(struct ttyfwd *t);

/* Copies what the command wrote since the last call; clear(arg) is called
 * once before copying anything.  Returns the number of bytes copied; sets
 * *mid_line when the last byte copied was not a newline (the command is
 * in the middle of a line, e.g. a prompt), cleared otherwise. */
long ttyfwd_pump(struct ttyfwd *t, void (*clear)(void *), void *arg,
		 int *mid_line);

/* Copies what is left without waiting, closes everything.  NULL ok. */
void ttyfwd_free(struct ttyfwd *t, void (*clear)(void *), void *arg);

#endif
