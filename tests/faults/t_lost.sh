# t_lost.sh - a 200-thread CPU burner at 999 Hz: the recording either loses
# fewer than 0.1% of its samples or says exactly how many it lost: the
# summary's lost count equals the LOST records and the END record.  As root
# the recorder runs at real-time priority (the launched command does not),
# so nothing may be lost; with FLAMER_NO_RT=1 the losses are only reported.
. tests/faults/faultlib.sh
wl=$PWD/samples/bin/threads-fp
[ -x "$wl" ] || skip "build samples first (make samples)"
build_recdump

lost_run() { # NAME ARGS...: record the burner, check, set $pct
	local name=$1 s l t; shift
	expect_exit 0 timeout 120 "$@" -F 999 -o "$T/$name.data" -- "$wl" -b 200 -d 3
	cat "$T/stderr"
	check_recording "$T/$name.data" "$T/stderr"
	s=$(field samples "$T/dump"); l=$(field lost "$T/dump"); t=$(field tids "$T/dump")
	[ "$t" -ge 20 ] && [ "$t" -le 201 ] || fail "$name: $t of 201 threads sampled"
	pct=$(awk -v s="$s" -v l="$l" 'BEGIN { printf "%.3f", 100 * l / (s + l) }')
	echo "$name: $s samples from $t threads, $l lost ($pct%)"
	if [ "$l" -gt 0 ]; then
		expect_exit 0 "$FLAMER" collapse "$T/$name.data"
		expect_grep "lost $l samples" "$T/stderr"
	fi
}

for mode in auto fp; do
	lost_run $mode "$FLAMER" record --unwind $mode
	if is_root; then
		awk -v p="$pct" 'BEGIN { exit !(p < 0.1) }' || fail "$mode: $pct% lost (want < 0.1%)"
	fi
done
# at normal priority the losses are counted exactly (usually many here)
lost_run normal env FLAMER_NO_RT=1 "$FLAMER" record

# the real-time priority is the recorder's alone
# (0, or 5 when the short command took no sample: it is nearly idle)
timeout 30 "$FLAMER" record -q -o "$T/c.data" -- sh -c 'chrt -p $$' >"$T/stdout" 2>"$T/stderr"
rc=$?
[ "$rc" -eq 0 ] || [ "$rc" -eq 5 ] || fail "record of chrt exited $rc: $(cat "$T/stderr")"
expect_grep 'policy: SCHED_OTHER' "$T/stdout"
