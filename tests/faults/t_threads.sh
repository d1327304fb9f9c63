# t_threads.sh - thousands of threads spawned and joined while recording,
# launched and attached: no crash, the workload finishes, the recording
# reads cleanly, the summary matches it, and the short-lived threads'
# own stacks (churn_worker -> churn_leaf) are in it.
. tests/faults/faultlib.sh
wl=$PWD/samples/bin/threads-fp
[ -x "$wl" ] || skip "build samples first (make samples)"
build_recdump

expect_exit 0 timeout 120 "$FLAMER" record -F 999 -o "$T/l.data" -- "$wl" -c 5000
cat "$T/stdout" "$T/stderr"
expect_grep '^spawned 5000$' "$T/stdout"
check_recording "$T/l.data" "$T/stderr"
t=$(field tids "$T/dump")
[ "$t" -ge 2 ] && [ "$t" -le 5001 ] || fail "implausible thread count $t"
expect_exit 0 "$FLAMER" collapse "$T/l.data"
[ "$(samples_matching 'churn_worker;churn_leaf' "$T/stdout")" -gt 0 ] ||
	fail "no samples in the short-lived threads: $(head -5 "$T/stdout")"
expect_no_grep 'Sanitizer|runtime error' "$T/stderr"

# attached while it churns: threads created after the attach are followed
"$wl" -c 20000 >"$T/wl.out" &
victim=$!
sleep 0.3
expect_exit 0 timeout 120 "$FLAMER" record -F 999 -p $victim -o "$T/p.data"
cat "$T/stderr"
wait $victim || fail "the workload failed while attached"
expect_grep '^spawned 20000$' "$T/wl.out"
check_recording "$T/p.data" "$T/stderr"
expect_exit 0 "$FLAMER" collapse "$T/p.data"
[ "$(samples_matching 'churn_worker;churn_leaf' "$T/stdout")" -gt 0 ] ||
	fail "-p: no samples in threads created after the attach"
echo "thread churn ok"
