/* text.h - frame names made safe to show: valid UTF-8, no control
 * characters, bounded length; frame kinds told from their names.
 */
#ifndef FLAMER_RENDER_TEXT_H
#define FLAMER_RENDER_TEXT_H

#include <stddef.h>

/* Longest frame name kept, in input bytes; longer names are cut there and
 * end in "..." (U+2026). */
#define TEXT_NAME_MAX 4096
/* Output room text_clean() may need for an n-byte input. */
#define TEXT_CLEAN_CAP(n) (3 * ((n) < TEXT_NAME_MAX ? (n) : TEXT_NAME_MAX) + 3)

/* text_clean - copy in[0..n) to out as valid UTF-8: bytes that do not form a
 * valid UTF-8 sequence (overlong forms, surrogates, > U+10FFFF, U+FFFE,
 * U+FFFF) and C0 control characters and DEL become U+FFFD.  Input beyond
 * TEXT_NAME_MAX bytes is dropped and U+2026 appended.  out must have room for
 * TEXT_CLEAN_CAP(n) bytes.  Returns the length written. */
size_t text_clean(const char *in, size_t n, char *out);

/* text_is_clean - 1 when text_clean() would copy in[0..n) unchanged. */
int text_is_clean(const char *in, size_t n);

/* Frame kinds, from FlameGraph's suffixes and flamer's naming. */
enum text_kind {
	TK_NATIVE = 0,
	TK_KERNEL,    /* "_[k]" */
	TK_JIT,       /* "_[j]" */
	TK_INLINE,    /* "_[i]" */
	TK_WAKER,     /* "_[w]" */
	TK_PYTHON,    /* "qualname (path/file.py)" or "(file.py:LINE)" */
	TK_ERLANG,    /* "mod:fun/2", "'Elixir.A.B':run/2", "A.B.run/2" */
	TK_SPECIAL,   /* "[unknown]", "[libfoo.so]", "libfoo.so+0x1a2b" */
	TK_BROKEN,    /* "[truncated]", "[invalid]" */
	TK_MERGED,    /* flamer's "[N narrow frames]" */
	TK_OFFCPU,    /* a frame only off-CPU stacks pass through (stacks
		       * ending in flamer's "[off-cpu]" frame); set by the
		       * graph, never by text_kind_of */
	TK_MAX_
};

/* text_kind_of - classify name[0..*n) and strip a kind suffix ("_[k]"
 * etc.) by shortening *n. */
enum text_kind text_kind_of(const char *name, size_t *n);

/* text_label - the part of name[0..n) (clean UTF-8) that fits max_chars
 * characters: the whole name, or a prefix of max_chars - 2 characters after
 * which the caller writes "..".  Returns the prefix length in bytes and
 * sets *cut when the name was shortened.  max_chars < 3 gives 0. */
size_t text_label(const char *name, size_t n, int max_chars, int *cut);

#endif
