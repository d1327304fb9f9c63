# t_signals.sh - SIGINT and SIGTERM stop the recorder cleanly (exit 0, END
# "interrupted", summary right); an attached target is left running, a
# launched one is ended; SIGPIPE neither kills the recorder nor stops it;
# a reader whose stdout is closed early (| head -1) exits without a crash.
. tests/faults/faultlib.sh
wl=$PWD/samples/bin/tree-fp
[ -x "$wl" ] || skip "build samples first (make samples)"
build_recdump

"$wl" -d 60 &
victim=$!
trap 'kill $victim 2>/dev/null; rm -rf "$T"' EXIT
for sig in INT TERM; do
	# attached: stops, the target keeps running
	timeout 20 "$FLAMER" record -F 499 -p $victim -o "$T/p.data" 2>"$T/p.err" &
	rec=$!
	wait_events $rec
	sleep 1
	kill -$sig $rec
	wait $rec
	rc=$?
	cat "$T/p.err"
	[ $rc -eq 0 ] || fail "-p: recorder exited $rc on SIG$sig"
	check_recording "$T/p.data" "$T/p.err"
	[ $(( $(field end_status "$T/dump") & 1 )) -ne 0 ] || fail "END status does not say interrupted"
	[ "$(field samples "$T/dump")" -gt 50 ] || fail "too few samples"
	kill -0 $victim 2>/dev/null || fail "the attached target did not survive SIG$sig to the recorder"
	grep -q '^State:.*[RS]' /proc/$victim/status || fail "target left stopped: $(grep State /proc/$victim/status)"

	# launched: stops and ends its command
	rm -f "$T/pid"
	timeout 20 "$FLAMER" record -F 499 -o "$T/l.data" -- "$wl" -d 60 -p "$T/pid" 2>"$T/l.err" &
	rec=$!
	wait_file "$T/pid"
	wait_events $rec
	sleep 1
	kill -$sig $rec
	wait $rec
	rc=$?
	cat "$T/l.err"
	[ $rc -eq 0 ] || fail "launch: recorder exited $rc on SIG$sig"
	check_recording "$T/l.data" "$T/l.err"
	sleep 0.2
	kill -0 "$(cat "$T/pid")" 2>/dev/null && fail "launched command outlived the recorder"
done

# SIGPIPE (e.g. its terminal's pipe went away) is ignored
# (no timeout(1) here: the signal must reach flamer itself)
"$FLAMER" record -F 499 -p $victim -d 2 -o "$T/s.data" 2>"$T/s.err" &
rec=$!
wait_events $rec
kill -PIPE $rec
sleep 0.2
kill -0 $rec 2>/dev/null || fail "SIGPIPE killed the recorder"
wait $rec
rc=$?
[ $rc -eq 0 ] || fail "recorder exited $rc after SIGPIPE"
check_recording "$T/s.data" "$T/s.err"
[ $(( $(field end_status "$T/dump") & 1 )) -eq 0 ] || fail "SIGPIPE counted as an interruption"

# readers writing into a closed pipe: no crash, no signal death, at most
# one line on stderr
awk 'BEGIN { for (i = 0; i < 60000; i++) printf "main;f%d;g%d %d\n", i, i * 7, i + 1 }' >"$T/big.folded"
# a recording whose collapsed output is ~40 MB (2,000 unique deep stacks)
[ -x "$BUILD/tests/faults/recbomb" ] || skip "no $BUILD/tests/faults/recbomb (run make unit)"
ln -sf "$(cd "$BUILD/tests/faults" && pwd)/recbomb" "$T/recbomb"
"$T/recbomb" "$T/big.data" 2000 stacks || fail "recbomb"
for cmd in "collapse $T/big.folded" "collapse --format speedscope $T/big.folded" \
	   "svg --minwidth 0 $T/big.folded" "collapse $T/s.data" "collapse $T/big.data"; do
	# shellcheck disable=SC2086
	"$FLAMER" $cmd 2>"$T/pipe.err" | head -c 1 >/dev/null
	rc=${PIPESTATUS[0]}
	echo "flamer $cmd | head: exit $rc: $(cat "$T/pipe.err")"
	[ $rc -lt 128 ] || fail "flamer $cmd died of a signal ($rc) on a closed pipe"
	[ "$(wc -l <"$T/pipe.err")" -le 1 ] || fail "flamer $cmd: more than one line on a closed pipe: $(cat "$T/pipe.err")"
	expect_no_grep 'Sanitizer|runtime error' "$T/pipe.err"
done
echo "signals ok"
