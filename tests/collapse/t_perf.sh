# flamer collapse on `perf script` fixtures must equal what
# stackcollapse-perf.pl --kernel printed for them (README.md), line for line.
D=tests/collapse
check() { # fixture expected options...
	local in=$1 exp=$2; shift 2
	"$FLAMER" collapse -q "$@" "$D/$in" >"$T/out" 2>"$T/err" ||
		fail "collapse $* $in exited $?: $(cat "$T/err")"
	cmp -s "$T/out" "$D/$exp" || fail "collapse $* $in differs from $exp: $(diff "$T/out" "$D/$exp" | head -10)"
}
for f in perf-kernel perf-user perf-multi-event perf-system perf-pidtid perf-edge; do
	check $f.txt $f.folded
	check $f.txt $f.folded --input perf
done
for f in perf-pidtid perf-system; do
	check $f.txt $f.pid.folded --pid
	check $f.txt $f.tid.folded --tid
done
check perf-edge.txt perf-edge.tid.folded --tid

# the fixtures must exercise what they claim to
expect_grep '_\[k\] [0-9]+$' "$D/perf-kernel.folded"
expect_no_grep '_\[k\]' "$D/perf-user.folded"
expect_grep '^1_scheduler' "$D/perf-system.folded"
expect_grep '^1_scheduler-[?]/[0-9]+;' "$D/perf-system.tid.folded"
grep -q 'task-clock' "$D/perf-multi-event.txt" || fail "multi-event fixture has one event"
expect_no_grep 'never_counted' "$D/perf-edge.folded"

# stdin, and -o through a file
"$FLAMER" collapse -q - <"$D/perf-kernel.txt" >"$T/stdin.out" || fail "stdin"
cmp -s "$T/stdin.out" "$D/perf-kernel.folded" || fail "stdin output differs"
"$FLAMER" collapse -q -o "$T/o.folded" "$D/perf-kernel.txt" || fail "-o"
cmp -s "$T/o.folded" "$D/perf-kernel.folded" || fail "-o output differs"

# a second event type is reported once on stderr
expect_exit 0 "$FLAMER" collapse "$D/perf-multi-event.txt"
expect_grep "only events of type 'cpu-clock'" "$T/stderr"
[ "$(wc -l <"$T/stderr")" -eq 1 ] || fail "expected one note: $(cat "$T/stderr")"

# --no-kernel drops exactly the _[k] frames
"$FLAMER" collapse -q --no-kernel "$D/perf-kernel.txt" >"$T/nok" || fail "--no-kernel"
expect_no_grep '_\[k\]' "$T/nok"
[ "$(total_samples "$T/nok")" = "$(total_samples "$D/perf-kernel.folded")" ] ||
	fail "--no-kernel changed the total"

# optional: compare with FlameGraph itself when it is around
if [ -n "${FLAMEGRAPH_DIR:-}" ] && [ -f "$FLAMEGRAPH_DIR/stackcollapse-perf.pl" ]; then
	for f in "$D"/perf-*.txt; do
		perl "$FLAMEGRAPH_DIR/stackcollapse-perf.pl" --kernel "$f" 2>/dev/null >"$T/pl"
		"$FLAMER" collapse -q --input perf "$f" >"$T/fl"
		cmp -s "$T/pl" "$T/fl" || fail "differs from stackcollapse-perf.pl on $f"
	done
fi
exit 0
