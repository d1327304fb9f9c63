# faultlib.sh - helpers for the fault tests (sourced after tests/lib.sh).

# build_recdump: the recdump helper built by make (make unit) into
# $BUILD/tests/faults/recdump, as $T/recdump.
build_recdump() {
	[ -x "$BUILD/tests/faults/recdump" ] ||
		skip "no $BUILD/tests/faults/recdump (run make unit)"
	ln -sf "$(cd "$BUILD/tests/faults" && pwd)/recdump" "$T/recdump"
}

# field NAME FILE: the value of "NAME value" in a recdump output
field() { awk -v k="$1" '$1 == k { print $2; exit }' "$2"; }

# summary_field WHAT FILE: N from the recorder's summary line
# "flamer: N samples, N threads, N lost, ..."
summary_field() {
	sed -nE "s/^flamer: ([0-9]+) samples, ([0-9]+) threads, ([0-9]+) lost.*/\\1 \\2 \\3/p" "$2" |
		awk -v w="$1" '{ print (w == "samples" ? $1 : w == "threads" ? $2 : $3) }'
}

# check_recording DATA STDERR: the recording reads to a clean END and the
# summary on STDERR matches it (samples, threads, lost); leaves the dump
# in $T/dump
check_recording() {
	"$T/recdump" "$1" >"$T/dump" || fail "recdump $1: $(cat "$T/dump")"
	cat "$T/dump"
	[ "$(field error "$T/dump")" = 0 ] || fail "$1 does not read cleanly: $(grep error "$T/dump")"
	[ "$(field end "$T/dump")" = 1 ] || fail "$1 has no END record"
	local s t l
	s=$(summary_field samples "$2"); t=$(summary_field threads "$2"); l=$(summary_field lost "$2")
	[ -n "$s" ] || fail "no summary line in: $(cat "$2")"
	[ "$s" = "$(field samples "$T/dump")" ] || fail "summary says $s samples, recording has $(field samples "$T/dump")"
	[ "$s" = "$(field end_samples "$T/dump")" ] || fail "summary says $s samples, END says $(field end_samples "$T/dump")"
	[ "$t" = "$(field end_threads "$T/dump")" ] || fail "summary says $t threads, END says $(field end_threads "$T/dump")"
	[ "$t" = "$(field tids "$T/dump")" ] || fail "summary says $t threads, samples come from $(field tids "$T/dump")"
	[ "$l" = "$(field lost "$T/dump")" ] || fail "summary says $l lost, LOST records say $(field lost "$T/dump")"
	[ "$l" = "$(field end_lost "$T/dump")" ] || fail "summary says $l lost, END says $(field end_lost "$T/dump")"
}

# wait_events PID: waits (up to 60 s) until the recorder PID, or its child
# (timeout(1) runs flamer as one), has its perf events open: a signal
# sent before that tests start-up, not recording (under load, or under
# ASan, attaching takes more than a second)
wait_events() {
	local p
	for _ in $(seq 600); do
		for p in "$1" $(cat "/proc/$1/task/$1/children" 2>/dev/null); do
			ls -l "/proc/$p/fd" 2>/dev/null | grep -q 'perf_event' && return 0
		done
		kill -0 "$1" 2>/dev/null || return 0
		sleep 0.1
	done
	fail "the recorder $1 opened no perf event in 60 s"
}

# wait_file FILE: wait up to 5 s for FILE to be non-empty
wait_file() {
	for _ in $(seq 50); do [ -s "$1" ] && return 0; sleep 0.1; done
	fail "$1 never appeared"
}
