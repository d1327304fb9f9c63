# Warnings only where true (issue 12 point 6): a shell that runs a hundred
# short-lived children is no Erlang VM, and none of its children is; the
# old recorder printed "Erlang VM without a perf map" once per child (an
# exited child's failed check counted as yes), also with -q.  -q keeps
# warnings and the summary but silences notes.
. tests/e2e/e2elib.sh
# (the shell also counts to 30000 itself: a hundred /bin/true alone gave
# 0 samples once on a loaded machine, and record then exits 5)
"$FLAMER" record -F 999 -o "$T/kids.data" -- sh -c 'for i in $(seq 100); do /bin/true; done; i=0; while [ $i -lt 30000 ]; do i=$((i + 1)); done' \
	>/dev/null 2>"$T/err" || fail "record failed: $(head -c 500 "$T/err")"
expect_no_grep 'Erlang|perf map' "$T/err"
grep -q '^flamer: [0-9]* samples' "$T/err" || fail "no summary: $(cat "$T/err")"
# -q: a CPython target's note ("CPython 3.x, layout from ...") is gone,
# the summary stays
py=/root/.pyenv/versions/3.11.7/bin/python3
[ -x "$py" ] || py=$(command -v python3) || skip "no python3 for the -q part"
"$FLAMER" record -F 999 -o "$T/py.data" -- "$py" -c 'sum(range(3000000))' \
	>/dev/null 2>"$T/err" || fail "record failed: $(head -c 500 "$T/err")"
grep -q 'CPython' "$T/err" || skip "no CPython note without -q here: $(cat "$T/err")"
"$FLAMER" record -q -F 999 -o "$T/py.data" -- "$py" -c 'sum(range(3000000))' \
	>/dev/null 2>"$T/err" || fail "record -q failed: $(head -c 500 "$T/err")"
expect_no_grep 'CPython' "$T/err"
grep -q '^flamer: [0-9]* samples' "$T/err" || fail "-q dropped the summary: $(cat "$T/err")"
