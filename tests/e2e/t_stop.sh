# The recorder stops by itself when the target exits before -d ends (by
# PID and launched), and cleanly on SIGINT and SIGTERM: exit 0 and a
# recording that collapses with samples.
. tests/e2e/e2elib.sh
need_sample tree-fp

# attached, the target exits after 1.5 s, -d says 60
start_target tree-fp -d 1.5
timeout -s KILL 40 "$FLAMER" record -F "$E2E_FREQ" -p "$TPID" -d 60 -o "$T/a.data" 2>"$T/a.err"
rc=$?
[ "$rc" -eq 0 ] || fail "record -p of an exiting target exited $rc (137: still running 40 s later): $(cat "$T/a.err")"
fold "$T/a.data"
tree_checks "$T/a.data.folded"

# launched, exits after 1.5 s, -d says 60
timeout -s KILL 40 "$FLAMER" record -F "$E2E_FREQ" -d 60 -o "$T/b.data" -- "$SAMPLES/tree-fp" -d 1.5 2>"$T/b.err"
rc=$?
[ "$rc" -eq 0 ] || fail "record of an exiting command exited $rc (137: still running 40 s later): $(cat "$T/b.err")"
fold "$T/b.data"
tree_checks "$T/b.data.folded"

# stop_by SIGNAL NAME ARGS... : record ARGS in the background, send SIGNAL
# to the recorder after 2 s; it must exit 0 with a readable recording
stop_by() {
	local sig=$1 name=$2 rpid rc; shift 2
	"$FLAMER" record -F "$E2E_FREQ" -o "$T/$name.data" "$@" 2>"$T/$name.err" &
	rpid=$!
	E2E_PIDS="$E2E_PIDS $rpid"
	sleep 2
	kill -0 "$rpid" 2>/dev/null || fail "the recorder ($name) ended early: $(cat "$T/$name.err")"
	kill -s "$sig" "$rpid"
	for _ in $(seq 300); do
		kill -0 "$rpid" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$rpid" 2>/dev/null && fail "the recorder ignored SIG$sig for 30 s"
	wait "$rpid"
	rc=$?
	[ "$rc" -eq 0 ] || fail "the recorder exited $rc after SIG$sig: $(cat "$T/$name.err")"
	expect_grep '^flamer: [0-9]+ samples' "$T/$name.err"
	fold "$T/$name.data"
	tree_checks "$T/$name.data.folded"
}

start_target tree-fp -d 60
stop_by INT int -p "$TPID"
kill -0 "$TPID" 2>/dev/null || fail "the target died with the recorder's SIGINT"
stop_by TERM term -p "$TPID"
kill "$TPID"
rm -f "$T/launched.pid"
stop_by INT launched -- "$SAMPLES/tree-fp" -d 60 -p "$T/launched.pid"
[ -s "$T/launched.pid" ] && E2E_PIDS="$E2E_PIDS $(cat "$T/launched.pid")"
true
