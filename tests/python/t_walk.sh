# t_walk.sh - the CPython walker on live workloads, for every installed
# CPython 3.8-3.13 (pyenv) and Debian's /usr/bin/python3.11, with the layout
# from DWARF, from _Py_DebugOffsets (3.13) and from the built-in tables.
#
# For each: run samples/python/workload.py, sample all its threads every
# 2 ms for SAMPLE_SECONDS with the driver built from
# tests/unit/test_python_walk.c, then check the Python stacks: frames in
# root-to-leaf order, the 3:1 heavy/light split, the C-extension, sort
# callback and syscall parts, the spinner thread told apart from the main
# thread, entry-frame marks, line numbers, and no errors beyond a rare
# frame popped under the reader.
DRIVER=$BUILD/tests/unit/test_python_walk
[ -x "$DRIVER" ] || fail "driver $DRIVER not built (make unit)"
is_root || skip "needs root to read another process's memory"
WORKLOAD=$PWD/samples/python/workload.py
SAMPLE_SECONDS=${SAMPLE_SECONDS:-3}
line_of() { grep -n "^def $1(" "$WORKLOAD" | cut -d: -f1; }
HEAVY_LINE=$(line_of heavy)

# check_run NAME PYTHON MINOR SOURCE_REGEX [driver flags...]
check_run() {
	local name=$1 py=$2 minor=$3 src=$4; shift 4
	local out=$T/$name.out pid total main bad heavy light
: >"$T/$name.py.out"
	"$py" "$WORKLOAD" 30 >"$T/$name.py.out" 2>&1 &
	pid=$!
	for _ in $(seq 100); do grep -q ready "$T/$name.py.out" && break; sleep 0.05; done
	"$DRIVER" --walk "$pid" "$SAMPLE_SECONDS" "$@" >"$out"
	local rc=$?
	kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
	[ $rc -eq 0 ] || fail "$name: driver exited $rc: $(head -c 300 "$out")"
	expect_grep "^version 3\\.$minor(\\.|$)" "$out"
	expect_grep "^source $src" "$out"
	total=$(grep -c '^S ' "$out")
	[ "$total" -gt 100 ] || fail "$name: only $total samples"
	# Only the rare "frame popped under the reader" error is allowed.
	expect_no_grep '^S [0-9]+ -[0-9]+ ' <(grep -v '^S [0-9]* -4113 ' "$out")
	bad=$(grep -c '^S [0-9]* -4113 ' "$out")
	[ $((bad * 50)) -le "$total" ] || fail "$name: $bad of $total walks met bad memory"

	# Main thread (tid = pid): <module> -> main -> run, root first.
	# "$name.mainw": CPU microseconds, then the stack.
	awk -v p="$pid" '$1 == "S" && $2 == p' "$out" | cut -d' ' -f4- >"$T/$name.mainw"
	cut -d' ' -f2- "$T/$name.mainw" >"$T/$name.main"
	awk -v p="$pid" '$1 == "S" && $2 != p' "$out" | cut -d' ' -f5- >"$T/$name.other"
	main=$(wc -l <"$T/$name.main")
	local rooted
	rooted=$(grep -cE '^\*<module> \([^)]*workload\.py(:[0-9]+)?\);\*?main \([^)]*\);\*?run \(' "$T/$name.main")
	[ $((rooted * 10)) -ge $((main * 9)) ] || fail "$name: $rooted of $main main-thread stacks start <module>;main;run"
	# The split inside Worker.work, by CPU time: heavy 3 parts, light 1.
	cpu_of() { grep -E ";\\*?(Worker\\.)?work \\([^;]*\\);\\*?$1 \\([^;]*\\)\$" "$T/$name.mainw" |
		awk '{ s += $1 } END { printf "%d\n", s + 0 }'; }
	heavy=$(cpu_of heavy)
	light=$(cpu_of light)
	echo "$name: $total samples, main $main, heavy $heavy, light $light, bad $bad"
	ratio_between "$heavy" "$light" 1.8 6
	expect_grep ';\*?native_part \(' "$T/$name.main"
	expect_grep ';\*?syscall_part \(' "$T/$name.main"
	expect_grep ';\*?sort_part \([^;]*\);\*sort_key \(' "$T/$name.main"
	if [ "$minor" -ge 11 ]; then
		expect_grep ';Worker\.work \([^;]*\);heavy \(' "$T/$name.main"
	else
		expect_grep ';\*work \([^;]*\);\*heavy \(' "$T/$name.main"
	fi
	# The spinner thread is told apart.
	expect_grep 'spinner_main \([^;]*\)(;\*?spin \(.*)?$' "$T/$name.other"
	expect_no_grep 'spinner_main' "$T/$name.main"
	expect_no_grep 'heavy|Worker' "$T/$name.other"
	case " $* " in *" --lines "*)
		grep -oE ';\*?heavy \([^;]*:[0-9]+\)$' "$T/$name.main" | sed 's/.*://; s/)//' | sort -u >"$T/$name.lines"
		[ "$(grep -c . "$T/$name.lines")" -ge 2 ] || fail "$name: heavy seen on fewer than 2 lines"
		while read -r l; do
			# The def line itself is where a frame that has not run
			# its first instruction yet is (RESUME, f_lasti -1).
			[ "$l" -ge "$HEAVY_LINE" ] && [ "$l" -le $((HEAVY_LINE + 4)) ] ||
				fail "$name: heavy at line $l, function is $HEAVY_LINE-$((HEAVY_LINE + 4))"
		done <"$T/$name.lines"
		;;
	*) expect_no_grep ':[0-9]+\)' "$T/$name.main" ;;
	esac
}

ran=0
for v in 3.8.18 3.9.18 3.10.13 3.11.7 3.12.1 3.13.0; do
	py=/root/.pyenv/versions/$v/bin/python3
	minor=$(echo "$v" | cut -d. -f2)
	if [ ! -x "$py" ]; then echo "not installed: $py"; continue; fi
	check_run "py$v-dwarf" "$py" "$minor" DWARF
	check_run "py$v-table-lines" "$py" "$minor" "built-in table 3\\.$minor" --no-dwarf --no-debug-offsets --lines
	[ "$minor" -ge 13 ] && check_run "py$v-debugoffsets" "$py" "$minor" _Py_DebugOffsets --no-dwarf
	ran=$((ran + 1))
done
if [ -x /usr/bin/python3.11 ]; then
	if [ -n "$(find /usr/lib/debug/.build-id -name '*.debug' 2>/dev/null | head -1)" ] &&
	   dpkg -s python3.11-dbg >/dev/null 2>&1; then
		check_run debian3.11-dwarf /usr/bin/python3.11 11 'DWARF /usr/lib/debug/'
	else
		echo "python3.11-dbg not installed: DWARF run of /usr/bin/python3.11 skipped"
	fi
	check_run debian3.11-nodebug /usr/bin/python3.11 11 'built-in table 3\.11' --no-dwarf --lines
	ran=$((ran + 1))
fi
[ "$ran" -gt 0 ] || skip "no CPython 3.8-3.13 installed"
