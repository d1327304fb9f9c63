# t_record_versions.sh - `flamer record` on samples/python/workload.py under
# every installed CPython 3.8-3.13 (pyenv) and Debian's /usr/bin/python3.11,
# launched by flamer, folded with `flamer collapse`.  For each:
# - the detection note names the version and a DWARF layout source
#   (Debian's: the python3.11-dbg file under /usr/lib/debug);
# - main-thread stacks in workload.py hold <module> -> main in order, merged into
#   the native stack (Py_BytesMain/_start below, no leftover
#   _PyEval_EvalFrameDefault in most);
# - Worker.work -> heavy vs -> light within 1.8-6 (the split is 3:1);
# - zlib's C code above native_part, kernel frames above syscall_part;
# - the spinner thread's stacks (--tid) have spinner_main, the main
#   thread's never do;
# - the summary's counts: ambiguous below 30 %, [invalid] below 3 %.
# Bounds were set from measurements (ambiguous 2-15 %, invalid ~0 %, split
# 2.4-3.6 on a loaded 2-core VM) with a wide margin.
. tests/python/pyreclib.sh
SECONDS_RUN=${SECONDS_RUN:-3}

check_version() {
	local name=$1 py=$2 minor=$3 pid nmain npy rooted based clean heavy light total
	py_record "$name" -- "$py" "$PYDIR/workload.py" "$SECONDS_RUN"
	if [ "$name" = debian3.11 ] && dpkg -s python3.11-dbg >/dev/null 2>&1; then
		expect_grep "^flamer: record: pid [0-9]+: CPython 3\\.$minor(\\.[0-9]+)?, layout from DWARF /usr/lib/debug/" "$T/$name.err"
	else
		expect_grep "^flamer: record: pid [0-9]+: CPython 3\\.$minor(\\.[0-9]+)?, layout from DWARF .*python3\\.$minor" "$T/$name.err"
	fi
	pid=$(py_pid "$name")
	py_split_threads "$name" "$pid"
	py_frames "$T/$name.main" >"$T/$name.mainpy"
	nmain=$(total_samples "$T/$name.main")
	npy=$(awk '$1 != "-" { s += $NF } END { print s + 0 }' "$T/$name.mainpy")
	# Samples in the workload's own code (not the interpreter's start-up,
	# which takes much of a short run on a loaded machine).
	nwl=$(samples_matching 'workload\.py\)' "$T/$name.mainpy")
	[ "$nwl" -ge 30 ] || fail "$name: only $nwl main-thread samples in workload.py (of $nmain; $npy with Python frames)"
	# Python frames root first: <module>, then main (workload.py).
	rooted=$(samples_matching '^<module> \([^;]*workload\.py\)' "$T/$name.mainpy")
	py_fraction_ok "$rooted" "$nwl" 85 "$name: workload stacks rooted in <module>"
	nmainf=$(samples_matching ';main \([^;]*workload\.py\)' "$T/$name.mainpy")
	rooted=$(samples_matching '^<module> \([^;]*workload\.py\);main \([^;]*workload\.py\)' "$T/$name.mainpy")
	py_fraction_ok "$rooted" "$nmainf" 85 "$name: main (workload.py) right above <module>"
	expect_grep '^<module> \([^;]*\);main \([^;]*\);run \([^;]*\);(Worker\.)?work \([^;]*\);heavy \([^;]*workload\.py\) ' "$T/$name.mainpy"
	# ... merged above the interpreter's native start-up frames.
	based=$(samples_matching ';(_start|Py_BytesMain|Py_RunMain);([^;]*;)*<module> \([^;]*workload\.py\)' "$T/$name.main")
	py_fraction_ok "$based" "$nwl" 50 "$name: <module> above Py_BytesMain/_start"
	clean=$(awk '/workload\.py\)/ && !/_PyEval_EvalFrameDefault/ { s += $NF } END { print s + 0 }' "$T/$name.main")
	py_fraction_ok "$clean" "$nwl" 75 "$name: merged stacks without _PyEval_EvalFrameDefault"
	# The 3:1 split, by samples of the Python leaf.
	heavy=$(samples_matching '(Worker\.)?work \([^;]*\);heavy \([^;]*\) *$' "$T/$name.mainpy")
	light=$(samples_matching '(Worker\.)?work \([^;]*\);light \([^;]*\) *$' "$T/$name.mainpy")
	echo "$name: main $nmain, with Python $npy, workload $nwl, rooted $rooted, clean $clean, heavy $heavy, light $light"
	ratio_between "$heavy" "$light" 1.8 6
	# A C extension's native frames and kernel frames in the same stacks.
	expect_grep ';native_part \([^;]*\);([^;]*;)*(zlib_compress|deflate)' "$T/$name.main"
	expect_grep ';syscall_part \([^;]*\);([^;]*;)*[^;]*_\[k\]' "$T/$name.main"
	# Threads told apart.
	expect_grep ';spinner_main \([^;]*\);([^;]*;)*spin \(' "$T/$name.other"
	expect_no_grep 'spinner_main' "$T/$name.main"
	expect_no_grep 'heavy \(|Worker' "$T/$name.other"
	# Merge quality, from the summary.
	py_counts "$name"
	total=$((MERGED + AMBIG + INVALID))
	echo "$name: merged $MERGED, ambiguous $AMBIG, invalid $INVALID"
	[ $((AMBIG * 100)) -le $((total * 30)) ] || fail "$name: $AMBIG of $total samples ambiguous"
	[ $((INVALID * 100)) -le $((total * 3)) ] || fail "$name: $INVALID of $total samples [invalid]"
	[ "$total" -ge "$npy" ] || fail "$name: summary counts $total Python stacks, folded output has $npy"
}

py_each_target check_version
exit 0
