# t_record_options.sh - `flamer record` Python options and attaching:
# - -p PID on a running workload (3.11 and 3.9): the note names that pid,
#   the Python frames are rooted and split 3:1;
# - --python-only (3.12, 3.8): Python threads' stacks hold Python frames
#   and kernel frames only (the root is the process name);
# - --no-python (3.11): no Python frame, the eval loop shows, no note;
# - --lines (3.10's co_linetable, 3.12's location table): every Python
#   frame ends in :LINE, heavy's lines lie inside its body.
. tests/python/pyreclib.sh
pyv() { local py=/root/.pyenv/versions/$1/bin/python3; [ -x "$py" ] && echo "$py"; }
WORKLOAD=$PYDIR/workload.py
HEAVY_LINE=$(grep -n '^def heavy(' "$WORKLOAD" | cut -d: -f1)
ran=0

check_attach() {
	local name=$1 py=$2 pid heavy light rooted npy
	: >"$T/$name.py.out"
	"$py" "$WORKLOAD" 30 >"$T/$name.py.out" 2>&1 &
	pid=$!
	for _ in $(seq 100); do grep -q ready "$T/$name.py.out" && break; sleep 0.05; done
	py_record "$name" -d 2 -p "$pid"
	kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
	expect_grep "^flamer: record: pid $pid: CPython 3\\.[0-9]+" "$T/$name.err"
	# the main thread's stacks: the spinner thread's (never under <module>)
	# take 15-35 % of the samples, with the load of the machine
	py_split_threads "$name" "$pid"
	py_frames "$T/$name.main" >"$T/$name.py"
	npy=$(awk '$1 != "-" { s += $NF } END { print s + 0 }' "$T/$name.py")
	rooted=$(samples_matching '^<module> \([^;]*workload\.py\);main \([^;]*\);run \(' "$T/$name.py")
	heavy=$(samples_matching '(Worker\.)?work \([^;]*\);heavy \([^;]*\) *$' "$T/$name.py")
	light=$(samples_matching '(Worker\.)?work \([^;]*\);light \([^;]*\) *$' "$T/$name.py")
	echo "$name: Python $npy, rooted $rooted, heavy $heavy, light $light"
	py_fraction_ok "$rooted" "$npy" 70 "$name: attached, rooted in <module>;main;run"
	ratio_between "$heavy" "$light" 1.8 6
	ran=$((ran + 1))
}

check_python_only() {
	local name=$1 py=$2 bad withpy
	py_record "$name" --python-only -- "$py" "$WORKLOAD" 1.5
	withpy=$(samples_matching 'workload\.py\)' "$T/$name.folded")
	[ "$withpy" -ge 20 ] || fail "$name: only $withpy samples in workload.py"
	# Each stack with Python frames: process name, then Python, [invalid]
	# or kernel frames only.
	bad=$(awk -v re="$PYFRAME" '{ n = $NF; $NF = ""; sub(/ $/, ""); if ($0 !~ / \([^;]*\.py\)/) next
		     k = split($0, f, ";")
		     for (i = 2; i <= k; i++)
			     if (f[i] !~ re && f[i] !~ /_\[k\]$/ && f[i] != "[invalid]") { print f[i]; exit } }' "$T/$name.folded")
	[ -z "$bad" ] || fail "$name: --python-only kept native frame '$bad'"
	expect_grep ';heavy \([^;]*\) [0-9]+$' "$T/$name.folded"
	expect_grep ';syscall_part \([^;]*\);[^;]*_\[k\]' "$T/$name.folded"
	ran=$((ran + 1))
}

check_no_python() {
	local name=$1 py=$2
	py_record "$name" --no-python -- "$py" "$WORKLOAD" 1.5
	expect_no_grep '\.py(:[0-9]+)?\)' "$T/$name.folded"
	expect_grep ';_PyEval_EvalFrameDefault;' "$T/$name.folded"
	expect_no_grep 'CPython|Python stacks' "$T/$name.err"
	ran=$((ran + 1))
}

check_lines() {
	local name=$1 py=$2 l
	py_record "$name" --lines -- "$py" "$WORKLOAD" 1.5
	py_frames "$T/$name.folded" >"$T/$name.py"
	# every Python frame carries a line
	expect_no_grep '\.py\)' "$T/$name.py"
	expect_grep '^<module> \([^;]*workload\.py:[0-9]+\);main \([^;]*workload\.py:[0-9]+\);' "$T/$name.py"
	grep -oE 'heavy \([^;]*workload\.py:[0-9]+\) *[0-9]*$' "$T/$name.py" | sed -E 's/.*:([0-9]+)\).*/\1/' | sort -u >"$T/$name.lines"
	[ "$(grep -c . "$T/$name.lines")" -ge 2 ] || fail "$name: heavy seen on fewer than 2 lines: $(cat "$T/$name.lines")"
	while read -r l; do
		[ "$l" -ge "$HEAVY_LINE" ] && [ "$l" -le $((HEAVY_LINE + 4)) ] ||
			fail "$name: heavy at line $l, the function is lines $HEAVY_LINE-$((HEAVY_LINE + 4))"
	done <"$T/$name.lines"
	ran=$((ran + 1))
}

for v in 3.11.7 3.9.18; do py=$(pyv $v) && check_attach "attach$v" "$py"; done
for v in 3.12.1 3.8.18; do py=$(pyv $v) && check_python_only "pyonly$v" "$py"; done
py=$(pyv 3.11.7) && check_no_python nopython "$py"
for v in 3.10.13 3.12.1; do py=$(pyv $v) && check_lines "lines$v" "$py"; done
[ "$ran" -gt 0 ] || skip "no pyenv CPython 3.8-3.13 installed"
exit 0
