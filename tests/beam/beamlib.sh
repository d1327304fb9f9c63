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

# --- end-to-end recording helpers (t_record_*.sh) ---

beam_require_erl() {
	command -v erl >/dev/null && command -v erlc >/dev/null || skip "erl/erlc not installed (erlang-base)"
}

# beam_require_bpf : skips unless flamer's BPF program can be loaded here
# (root, kernel BTF): the tests of Erlang frames read at the sample.
beam_require_bpf() {
	is_root || skip "the BPF program needs root"
	[ -r /sys/kernel/btf/vmlinux ] || skip "no kernel BTF: flamer's BPF program needs it"
}

# beam_record [--no-perf-map] WORKLOAD SECONDS [RECORD OPTIONS...] : starts
# the sample VM, lets it warm up, records it by pid for SECONDS at 499 Hz
# into $T/rec (stderr in $T/rec.err), and folds it with --tid into
# $T/tid.folded.  Skips when perf_event_open is not permitted.
beam_record() {
	local opt="" rc
	[ "$1" = --no-perf-map ] && { opt=$1; shift; }
	local workload=$1 secs=$2
	shift 2
	beam_start $opt "$workload" $((secs + 25))
	sleep 1
	"$FLAMER" record -F 499 -p "$BEAM_PID" -d "$secs" -o "$T/rec" "$@" 2>"$T/rec.err"
	rc=$?
	[ "$rc" -eq 4 ] && skip "perf_event_open not permitted: $(head -c 300 "$T/rec.err")"
	[ "$rc" -eq 0 ] || fail "flamer record exited $rc: $(head -c 800 "$T/rec.err")"
	"$FLAMER" collapse --tid -q "$T/rec" >"$T/tid.folded" || fail "flamer collapse --tid failed"
	[ -s "$T/tid.folded" ] || fail "no samples recorded: $(cat "$T/rec.err")"
}

# busiest_thread FOLDED REGEX : the "procname-PID/TID" root (from --tid
# output) whose samples match REGEX most often; empty if none match.
busiest_thread() {
	awk -v re="$2" '{ n = $NF; $NF = ""; if ($0 ~ re) { split($0, f, ";"); s[f[1]] += n } }
		END { for (t in s) if (s[t] > best) { best = s[t]; b = t } if (best) print b }' "$1"
}

# thread_lines FOLDED ROOT : the lines of one thread (ROOT as printed by
# busiest_thread), on stdout.
thread_lines() { awk -v r="$2;" 'index($0, r) == 1' "$1"; }

# show_top FOLDED : the heaviest stacks, for failure logs.
show_top() { awk '{ print $NF "\t" substr($0, 1, 400) }' "$1" | sort -rn | head -n 12; }
