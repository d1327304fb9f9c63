# t_lost.sh - a 200-thread CPU burner at 999 Hz: the recording either loses
# fewer than 0.1% of its samples or says exactly how many it lost: the
# summary's lost count equals the LOST records and the END record.  With
# frame-pointer unwinding (no stack copies) nothing may be lost.
. tests/faults/faultlib.sh
wl=$PWD/samples/bin/threads-fp
[ -x "$wl" ] || skip "build samples first (make samples)"
build_recdump
sanitized=
nm "$FLAMER" 2>/dev/null | grep -q __asan_ && sanitized=1

for mode in auto fp; do
	expect_exit 0 timeout 120 "$FLAMER" record --unwind $mode -F 999 -o "$T/$mode.data" -- "$wl" -b 200 -d 3
	cat "$T/stderr"
	check_recording "$T/$mode.data" "$T/stderr"
	s=$(field samples "$T/dump"); l=$(field lost "$T/dump")
	t=$(field tids "$T/dump")
	[ "$t" -ge 20 ] && [ "$t" -le 201 ] || fail "$mode: $t of 201 threads sampled"
	pct=$(awk -v s="$s" -v l="$l" 'BEGIN { printf "%.3f", 100 * l / (s + l) }')
	echo "unwind $mode: $s samples, $l lost ($pct%)"
	if [ $mode = fp ] && [ -z "$sanitized" ]; then
		awk -v p="$pct" 'BEGIN { exit !(p < 0.1) }' || fail "fp: $pct% lost (want < 0.1%)"
	fi
	if [ "$l" -gt 0 ]; then
		expect_exit 0 "$FLAMER" collapse "$T/$mode.data"
		expect_grep "lost $l samples" "$T/stderr"
	fi
done
