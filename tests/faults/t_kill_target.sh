# t_kill_target.sh - the target dies mid-recording (SIGKILL, and a crash
# with SIGSEGV), attached with -p and launched: the recorder notices, ends
# the recording cleanly (exit 0, END with "target exited"), and the summary
# matches what the recording holds.
. tests/faults/faultlib.sh
wl=$PWD/samples/bin/tree-fp
[ -x "$wl" ] || skip "build samples first (make samples)"
build_recdump

for sig in KILL SEGV; do
	# attached
	"$wl" -d 30 &
	victim=$!
	sleep 0.3
	timeout 20 "$FLAMER" record -F 499 -p $victim -d 15 -o "$T/p.data" 2>"$T/p.err" &
	rec=$!
	wait_events $rec
	sleep 1
	kill -$sig $victim
	wait $rec
	rc=$?
	cat "$T/p.err"
	[ $rc -eq 0 ] || fail "-p: recorder exited $rc after the target got SIG$sig"
	check_recording "$T/p.data" "$T/p.err"
	[ $(( $(field end_status "$T/dump") & 2 )) -ne 0 ] || fail "-p: END status does not say the target exited"
	[ "$(field samples "$T/dump")" -gt 50 ] || fail "-p: too few samples before the kill"
	expect_exit 0 "$FLAMER" collapse "$T/p.data"
	[ "$(samples_matching 'outer;left;leaf_a' "$T/stdout")" -gt 0 ] || fail "-p: stacks not named: $(head -3 "$T/stdout")"

	# launched
	rm -f "$T/pid"
	timeout 20 "$FLAMER" record -F 499 -o "$T/l.data" -- "$wl" -d 30 -p "$T/pid" 2>"$T/l.err" &
	rec=$!
	wait_file "$T/pid"
	wait_events $rec
	sleep 1
	kill -$sig "$(cat "$T/pid")"
	wait $rec
	rc=$?
	cat "$T/l.err"
	[ $rc -eq 0 ] || fail "launch: recorder exited $rc after the target got SIG$sig"
	check_recording "$T/l.data" "$T/l.err"
	[ $(( $(field end_status "$T/dump") & 2 )) -ne 0 ] || fail "launch: END status does not say the target exited"
	[ "$(field samples "$T/dump")" -gt 50 ] || fail "launch: too few samples before the kill"
done
echo "killed targets ok"
