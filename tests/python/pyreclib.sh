# pyreclib.sh - helpers for the tests/python/t_record_*.sh tests: record
# CPython workloads with `flamer record` and check the merged stacks.
# Sourced after tests/lib.sh; every check fails the test with a message.
is_root || skip "needs root to read another process's memory"
PYDIR=$PWD/samples/python
# A Python frame as flamer names it: "qualname (file.py)", "(file.py:LINE)",
# or a frozen or exec'd module's "(<frozen importlib._bootstrap>)",
# "(<string>)" (awk regex, one frame).
PYFRAME=' \\(([^;]*\\.py|<[^;]*>)(:[0-9]+)?\\)$'

# py_targets: "NAME PYTHON MINOR" for every CPython 3.8-3.13 installed
# (pyenv) and Debian's /usr/bin/python3.11.
py_targets() {
	local v py
	for v in 3.8.18 3.9.18 3.10.13 3.11.7 3.12.1 3.13.0; do
		py=/root/.pyenv/versions/$v/bin/python3
		[ -x "$py" ] && echo "py$v $py $(echo "$v" | cut -d. -f2)"
	done
	[ -x /usr/bin/python3.11 ] && echo "debian3.11 /usr/bin/python3.11 11"
	return 0
}

# py_each_target FUNC: calls FUNC NAME PYTHON MINOR for every target of
# py_targets; skips the test when there is none.
py_each_target() {
	local name py minor ran=0
	while read -r name py minor; do
		"$1" "$name" "$py" "$minor"
		ran=$((ran + 1))
	done < <(py_targets)
	[ "$ran" -gt 0 ] || skip "no CPython 3.8-3.13 installed"
}

# py_record NAME [flamer record options...] -- COMMAND...: records into
# $T/NAME.data (stderr in $T/NAME.err), then folds it into $T/NAME.folded
# and, with --tid, $T/NAME.tid.
py_record() {
	local name=$1; shift
	"$FLAMER" record -F 499 -o "$T/$name.data" "$@" >"$T/$name.out" 2>"$T/$name.err" ||
		fail "$name: flamer record exited $?: $(head -c 600 "$T/$name.err")"
	py_fold "$name"
}

py_fold() {
	local name=$1
	"$FLAMER" collapse -q "$T/$name.data" >"$T/$name.folded" || fail "$name: collapse"
	"$FLAMER" collapse -q --tid "$T/$name.data" >"$T/$name.tid" || fail "$name: collapse --tid"
	[ -s "$T/$name.folded" ] || fail "$name: no samples"
}

# py_counts NAME: sets MERGED AMBIG INVALID from the recorder's summary.
py_counts() {
	local line
	line=$(grep '^flamer: Python stacks: ' "$T/$1.err") ||
		fail "$1: no 'Python stacks' summary line: $(cat "$T/$1.err")"
	read -r MERGED AMBIG INVALID < <(sed -E 's/.*: ([0-9]+) merged, ([0-9]+) ambiguous.*, ([0-9]+) \[invalid\].*/\1 \2 \3/' <<<"$line")
}

# py_frames FILE: each line's Python frames only, root first, ";"-joined,
# then the count (kernel and native frames dropped); "-" when there are none.
py_frames() {
	awk -v re="$PYFRAME" '{ n = $NF; $NF = ""; sub(/ $/, ""); k = split($0, f, ";"); s = ""
	       for (i = 1; i <= k; i++) if (f[i] ~ re) s = s (s == "" ? "" : ";") f[i]
	       print (s == "" ? "-" : s), n }' "$1"
}

# py_fraction_ok PART WHOLE MIN_PERCENT WHAT
py_fraction_ok() {
	[ "$2" -gt 0 ] || fail "$4: no samples at all"
	[ $(($1 * 100)) -ge $(($2 * $3)) ] || fail "$4: $1 of $2 (< $3%)"
}

# py_main NAME PID: the main thread's lines of $T/NAME.tid (root frame
# "comm-PID/PID") into $T/NAME.main, the other threads' into $T/NAME.other.
py_split_threads() {
	local name=$1 pid=$2
	grep -E "^[^;]*-$pid/$pid;" "$T/$name.tid" >"$T/$name.main" || true
	grep -vE "^[^;]*-$pid/$pid;" "$T/$name.tid" >"$T/$name.other" || true
}

# py_pid NAME: the pid the recorder reported for the CPython process (its
# first note: for runs of one CPython process; the notes of several come
# in the order their layout checks end).
py_pid() {
	sed -nE 's/^flamer: record: pid ([0-9]+): CPython .*/\1/p' "$T/$1.err" | head -1
}
