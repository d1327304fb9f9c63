# beamlib.sh - helpers for the BEAM script tests (sourced after tests/lib.sh).

PROBE="$BUILD/tests/unit/test_perfmap"

beam_require() {
	command -v erl >/dev/null && command -v erlc >/dev/null || skip "erl/erlc not installed (erlang-base)"
	[ -x "$PROBE" ] || skip "$PROBE not built (make unit)"
}

# beam_start [--no-perf-map] WORKLOAD SECONDS : starts a sample VM in the
# background, sets BEAM_PID (the VM's OS pid); the VM is killed on exit.
beam_start() {
	local opt=
	[ "$1" = --no-perf-map ] && { opt=$1; shift; }
	rm -f "$T/pid"
	samples/erlang/run.sh $opt "$T/work" "$1" "$2" "$T/pid" >"$T/vm.log" 2>&1 &
	BEAM_LAUNCHER=$!
	trap 'beam_stop' EXIT
	for _ in $(seq 150); do
		[ -s "$T/pid" ] && break
		sleep 0.1
	done
	[ -s "$T/pid" ] || fail "sample VM did not start: $(cat "$T/vm.log")"
	BEAM_PID=$(cat "$T/pid")
}

beam_stop() {
	[ -n "${BEAM_PID:-}" ] && kill "$BEAM_PID" 2>/dev/null
	[ -n "${BEAM_LAUNCHER:-}" ] && wait "$BEAM_LAUNCHER" 2>/dev/null
	[ -n "${BEAM_PID:-}" ] && rm -f "/tmp/perf-$BEAM_PID.map"
	rm -rf "$T"
}

# map_last_byte NAME : the last byte (start + size - 1) of the raw map entry
# "$NAME" in the VM's perf map, as 0x hex; empty if there is none.
map_last_byte() {
	local line
	line=$(awk -v n="\$$1" '$3 == n { print $1, $2; exit }' "/tmp/perf-$BEAM_PID.map")
	[ -n "$line" ] || return 0
	set -- $line
	printf '0x%x\n' $(($1 + 0x$2 - 1))
}
