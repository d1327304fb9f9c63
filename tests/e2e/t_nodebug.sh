# Say once when debug info cannot be found (issue 12 point 2): a stripped
# copy of samples/bin/tree-nofp (no .symtab, no debug file by build-id or
# .gnu_debuglink, its functions not exported) is noted once on stderr,
# not per sample, -q silences the note, and its code shows as
# [tree-stripped]: never a name taken from somewhere else.  The unstripped
# binary gets no such note.
. tests/e2e/e2elib.sh
need_sample tree-nofp
command -v strip >/dev/null || skip "no strip (binutils)"
strip -o "$T/tree-stripped" "$SAMPLES/tree-nofp" || fail "strip failed"
readelf -S "$T/tree-stripped" | grep -q '\.symtab' && fail "strip left a .symtab"

record "$T/s.data" -- "$T/tree-stripped" -d 2
n=$(grep -c 'tree-stripped: no symbol table and no debug info' "$T/s.data.err")
[ "$n" -eq 1 ] || fail "the note appeared $n times, not once: $(head -c 800 "$T/s.data.err")"
fold "$T/s.data"
f="$T/s.data.folded"
# tree.c's own functions: none may be named (their names are only in the
# .symtab strip removed), so a name here would be a wrong one
expect_no_grep '(^|;)(main|outer|left|right|leaf_a|leaf_b)(;| )' "$f"
# the count only shows the code was sampled (ASan on a loaded machine got
# 148 in 1.5 s); the names are what is checked
need_samples "$f" '(^|;)[[]tree-stripped[]](;| )' 50
# and nothing of that module is named from another symbol table: frames
# between two [tree-stripped] frames are [tree-stripped] too
awk '{ n = split($1, fr, ";"); for (i = 2; i < n; i++)
	if (fr[i - 1] == "[tree-stripped]" && fr[i + 1] == "[tree-stripped]" && fr[i] != "[tree-stripped]") { print; exit 1 } }' "$f" ||
	fail "a named frame between frames of the stripped binary"

# -q: no note, the summary stays
record "$T/q.data" -q -- "$T/tree-stripped" -d 0.5
expect_no_grep 'no symbol table' "$T/q.data.err"
expect_grep '^flamer: [0-9]+ samples' "$T/q.data.err"

# the unstripped binary has its .symtab: no note about it
record "$T/u.data" -- "$SAMPLES/tree-nofp" -d 0.5
expect_no_grep 'tree-nofp: no symbol table' "$T/u.data.err"
echo "one note, $(samples_matching "$f" '(^|;)[[]tree-stripped[]](;| )') samples as [tree-stripped], no wrong names"
