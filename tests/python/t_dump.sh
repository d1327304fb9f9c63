# t_dump.sh - flamer dump of a Python program (samples/python/waiter.py)
# with the main thread asleep in time.sleep under wait_outer -> wait_leaf
# and a thread computing in compute_outer -> compute_leaf, for every
# installed CPython 3.8-3.13 and Debian's python3.11: the Python frames
# (with line numbers) sit above the sleep in the right order, the
# computing thread's stack holds its own frames and none of the other's,
# and the program keeps computing after the dump.
. tests/python/pyreclib.sh
W=$PYDIR/waiter.py
block() {
	awk -v t="$1" '/^Thread /{ on = ($2 == t) ; next } on && /^    /{ sub(/^    /, ""); print }' "$2"
}
# py_only FILE: the Python frames of a block, names without file/line
py_only() { grep -E ' \(.*\.py:[0-9]+\)$' "$1" | sed -E 's/ \(.*//'; }
ran=0
while read -r name py minor; do
	"$py" "$W" 60 >"$T/$name.out" 2>&1 &
	pid=$!
	for _ in $(seq 100); do grep -q ready "$T/$name.out" && break; sleep 0.05; done
	sleep 0.3
	"$FLAMER" dump -p "$pid" >"$T/$name.d" 2>"$T/$name.err" ||
		fail "$name: dump exited $?: $(cat "$T/$name.err")"
	c0=$(awk '{ sub(/.*\) /, ""); print $12 + $13 }' "/proc/$pid/stat")
	expect_grep "^Process $pid .*Python 3\\.$minor" "$T/$name.d"
	expect_grep "^Thread $pid \"[^\"]*\": sleeping in (clock_nanosleep|pselect6|select|nanosleep)" "$T/$name.d"
	block "$pid" "$T/$name.d" >"$T/$name.main"
	py_only "$T/$name.main" | tr '\n' ';' >"$T/$name.mainpy"
	grep -qx 'wait_leaf;wait_outer;main;<module>;' "$T/$name.mainpy" ||
		fail "$name: main thread's Python frames are $(cat "$T/$name.mainpy"): $(cat "$T/$name.d")"
	# the sleep is above the Python leaf: native frames first
	head -1 "$T/$name.main" | grep -qv '\.py:' || fail "$name: no native frame above wait_leaf"
	grep -q "wait_leaf (.*waiter.py:$(grep -n '^    time.sleep(secs)' "$W" | cut -d: -f1))" "$T/$name.main" ||
		fail "$name: wait_leaf's line is not the time.sleep line"
	other=$(grep -E '^Thread ' "$T/$name.d" | awk -v p="$pid" '$2 != p { print $2 }')
	[ "$(echo "$other" | wc -w)" -eq 1 ] || fail "$name: expected one other thread: $other"
	block "$other" "$T/$name.d" >"$T/$name.comp"
	py_only "$T/$name.comp" | tr '\n' ';' >"$T/$name.comppy"
	grep -Eq '^(compute_leaf;)?compute_outer;(Thread\.)?run;' "$T/$name.comppy" ||
		fail "$name: computing thread's Python frames are $(cat "$T/$name.comppy")"
	expect_no_grep 'wait_|^main ' "$T/$name.comp"
	expect_no_grep 'compute' "$T/$name.main"
	sleep 1
	c1=$(awk '{ sub(/.*\) /, ""); print $12 + $13 }' "/proc/$pid/stat")
	[ $((c1 - c0)) -ge 20 ] || fail "$name: the program used only $((c1 - c0)) ticks in the second after the dump"
	kill "$pid"; wait "$pid" 2>/dev/null
	echo "$name: ok"
	ran=$((ran + 1))
done < <(py_targets)
[ "$ran" -gt 0 ] || skip "no CPython installed"
exit 0
