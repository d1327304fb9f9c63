# t_record_children.sh - processes and threads a Python user has:
# - multiprocessing with the fork start method (samples/python/mp_workload.py,
#   2 children) under a launched command: each child is detected as
#   CPython and its samples carry its Python frames (child_main -> crunch,
#   under the parent's <module>;main;...;Process.start frames it was forked
#   from) merged into its native stack;
# - idle threads (samples/python/idle_threads.py: 4 threads blocked on an
#   Event): not sampled while off-CPU, while the main thread's busy() is.
# Run under 3.8 (one eval frame per call) and 3.12.
. tests/python/pyreclib.sh
ran=0
for v in 3.8.18 3.12.1; do
	py=/root/.pyenv/versions/$v/bin/python3
	[ -x "$py" ] || continue
	name=mp$v
	py_record "$name" -- "$py" "$PYDIR/mp_workload.py" 1.5 2
	"$FLAMER" collapse -q --pid "$T/$name.data" >"$T/$name.pid" || fail "collapse --pid"
	# the parent's pid as it says it (the recorder's notes come in the
	# order the layout checks end, which may be a child's first)
	parent=$(awk '$1 == "ready" { print $2 }' "$T/$name.out")
	[ -n "$parent" ] || fail "$name: no 'ready PID' line: $(head -c 300 "$T/$name.out")"
	# every child (pid != parent) with child_main;crunch frames merged
	awk -F';' -v p="$parent" '{ split($1, a, "-"); if (a[2] != p) print a[2] }' "$T/$name.pid" | sort -u >"$T/$name.kids"
	[ "$(grep -c . "$T/$name.kids")" -ge 2 ] || fail "$name: fewer than 2 child processes sampled: $(cat "$T/$name.kids")"
	[ "$(grep -c 'CPython' "$T/$name.err")" -ge 3 ] || fail "$name: children not detected as CPython: $(cat "$T/$name.err")"
	while read -r kid; do
		grep -E "^[^;]*-$kid;" "$T/$name.pid" >"$T/$name.kid"
		total=$(total_samples "$T/$name.kid")
		good=$(samples_matching ';<module> \([^;]*mp_workload\.py\);([^;]*;)*child_main \([^;]*\);([^;]*;)*crunch \([^;]*mp_workload\.py\)' "$T/$name.kid")
		echo "$name: child $kid: $good of $total samples in child_main;crunch"
		# (the rest: the child's start after fork, longer on a loaded machine)
		[ "$good" -ge 10 ] || fail "$name: child $kid: only $good samples in child_main;crunch"
		py_fraction_ok "$good" "$total" 30 "$name: child $kid in child_main;crunch"
		clean=$(awk '/crunch \(/ && !/_PyEval_EvalFrameDefault/ { s += $NF } END { print s + 0 }' "$T/$name.kid")
		py_fraction_ok "$clean" "$good" 60 "$name: child $kid merged without eval frames"
	done <"$T/$name.kids"
	ran=$((ran + 1))

	name=idle$v
	py_record "$name" -- "$py" "$PYDIR/idle_threads.py" 1.5 4
	pid=$(py_pid "$name")
	py_split_threads "$name" "$pid"
	main=$(samples_matching 'idle_threads\.py\)' "$T/$name.main")
	idle=$(samples_matching 'idle_worker' "$T/$name.tid")
	busy=$(samples_matching ';<module> \([^;]*\);([^;]*;)*main \([^;]*\);([^;]*;)*busy \([^;]*idle_threads\.py\)' "$T/$name.main")
	echo "$name: main $main, busy $busy, idle threads $idle"
	py_fraction_ok "$busy" "$main" 85 "$name: main thread's idle_threads.py samples in busy()"
	# a blocked thread runs only while it starts
	[ $((idle * 100)) -le $((main * 3)) ] || fail "$name: $idle samples in idle threads (main $main)"
	ran=$((ran + 1))
done
[ "$ran" -gt 0 ] || skip "no pyenv CPython 3.8 or 3.12 installed"
exit 0
