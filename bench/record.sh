#!/bin/bash
# record.sh - flamer record side by side with perf record on the same
# workloads, same frequencies, in one run: target slowdown, recorder CPU,
# bytes per sample.  Writes bench/out/results.md (and runs.tsv, the raw
# numbers).  Not part of `make check`: nothing here asserts on time.
#
#   bench/record.sh            3 rounds, F = 99 999 4999 (4-6 minutes here)
#   QUICK=1 bench/record.sh    1 round, F = 99 999, less work (under a minute)
#
# Environment: FLAMER (default ./flamer), PYTHON (default pyenv 3.11.7, else
# /usr/bin/python3.11), ROUNDS, FREQS, UNITS (C work units, ~3 ms each),
# PY_UNITS (Python work units, ~2 ms each), OUT (default bench/out),
# GROUPS_ONLY (space-separated subset of: attach launch dwarf python py310
# beam; py310 is CPython 3.10 with Austin beside perf and flamer,
# PYTHON310; beam is bench/beam_bench.erl on one scheduler with the JIT's
# perf map, BEAM_UNITS units of ~2 ms).
# Austin reads the target's memory from outside (no perf events): its
# attach is waited for by time.
#
# Method.  Each round runs, per group, an unprofiled baseline and every
# recorder on the same workload, in an order rotated by round, so drift on
# this shared machine hits them alike.  The workloads (samples/c/bench.c,
# bench/py_bench.py) do a fixed amount of work and print their own CPU
# time, so "target CPU x" is the workload's CPU time profiled over the same
# round's unprofiled run: the cost of sampling and kernel/stack unwinding
# that the target pays.  Attached runs start the workload gated (-w), attach
# the recorder by pid, wait until it holds its perf_event fds, then release
# the workload: recorder CPU is then the recorder's alone (start-up,
# sampling, symbolising, writing).  Launched runs time the whole command
# (perf waits ~0.9 s at exit, see /work/shared/FACTS.md) and take the
# recorder's CPU as the command's children CPU minus the workload's own.
set -u
cd "$(dirname "$0")/.."
. bench/lib.sh

FLAMER=${FLAMER:-./flamer}
OUT=${OUT:-bench/out}
QUICK=${QUICK:-0}
if [ "$QUICK" = 1 ]; then
	ROUNDS=${ROUNDS:-1} FREQS=${FREQS:-99 999} UNITS=${UNITS:-150} PY_UNITS=${PY_UNITS:-250}
	BEAM_UNITS=${BEAM_UNITS:-250}
else
	ROUNDS=${ROUNDS:-3} FREQS=${FREQS:-99 999 4999} UNITS=${UNITS:-500} PY_UNITS=${PY_UNITS:-800}
	BEAM_UNITS=${BEAM_UNITS:-800}
fi
GROUPS_ONLY=${GROUPS_ONLY:-attach launch dwarf python py310 beam}
if ! command -v erl >/dev/null || ! command -v erlc >/dev/null; then
	echo "bench: no BEAM group (needs erl and erlc)" >&2
	GROUPS_ONLY=$(echo " $GROUPS_ONLY " | sed 's/ beam / /')
fi
# Austin supports CPython up to 3.10: its group runs on pyenv's 3.10
PYTHON310=${PYTHON310:-/root/.pyenv/versions/3.10.13/bin/python3}
if [ ! -x "$PYTHON310" ] || ! command -v austin >/dev/null; then
	echo "bench: no Austin comparison (needs austin and $PYTHON310)" >&2
	GROUPS_ONLY=$(echo " $GROUPS_ONLY " | sed 's/ py310 / /')
fi
PY_FREQS=${PY_FREQS:-99 999}
if [ -z "${PYTHON:-}" ]; then
	PYTHON=/root/.pyenv/versions/3.11.7/bin/python3
	[ -x "$PYTHON" ] || PYTHON=/usr/bin/python3.11
fi
W=$OUT/work
RUNS=$OUT/runs.tsv
RESULTS=$OUT/results.md

die() { echo "bench: $*" >&2; exit 1; }
[ -x "$FLAMER" ] || die "no $FLAMER (make flamer)"
[ -x samples/bin/bench-fp ] && [ -x samples/bin/bench-nofp ] ||
	die "no samples/bin/bench-fp|nofp (make samples)"
command -v perf >/dev/null || die "perf is not installed (apt-get install linux-perf)"
perf record -q -e cpu-clock -o /dev/null -- true 2>/dev/null ||
	die "perf record does not work here (perf_event_paranoid? not root?)"
mkdir -p "$W"
: >"$RUNS"
# The same flamer binary for every run, even if someone rebuilds ./flamer
# meanwhile.
cp "$FLAMER" "$W/flamer.bin" || die "cannot copy $FLAMER"
FLAMER_SRC=$FLAMER
FLAMER=$W/flamer.bin

# set_recorder CONFIG FREQ FILE : REC (command array) and KIND (perf,
# flamer or none) for CONFIG
set_recorder() {
	KIND=${1%%-*}
	case $1 in
	base) REC=(); KIND=none ;;
	perf-fp) REC=(perf record -q -e cpu-clock -g -F "$2" -o "$3") ;;
	perf-dwarf) REC=(perf record -q -e cpu-clock --call-graph dwarf -F "$2" -o "$3") ;;
	flamer-fp) REC=("$FLAMER" record -q --unwind fp -F "$2" -o "$3") ;;
	flamer-dwarf) REC=("$FLAMER" record -q --unwind dwarf -F "$2" -o "$3") ;;
	flamer-auto) REC=("$FLAMER" record -q -F "$2" -o "$3") ;;
	# Austin (Debian's, CPython 3.8-3.10): the interval in microseconds,
	# idle samples left out as perf and flamer leave them out
	austin) REC=(austin -s -i "$((1000000 / $2))" -o "$3") ;;
	*) die "unknown config $1" ;;
	esac
}

# set_workload NAME : WL (command array, without -w) and DEPTH (descend
# frames every sample's stack should hold; 0: not checked)
set_workload() {
	DEPTH=28 GATE=USR1
	case $1 in
	fp) WL=(samples/bin/bench-fp -n "$UNITS") ;;
	nofp) WL=(samples/bin/bench-nofp -n "$UNITS") ;;
	py) WL=("$PYTHON" bench/py_bench.py -n "$PY_UNITS"); DEPTH=0 ;;
	py310) WL=("$PYTHON310" bench/py_bench.py -n "$PY_UNITS"); DEPTH=0 ;;
	# the VM keeps SIGUSR1 for its crash dump: its gate is SIGUSR2
	beam) WL=(erl -noshell -noinput +S 1 +JPperf map -pa "$W/beam"
		  -run beam_bench main -extra -n "$BEAM_UNITS"); DEPTH=0
	      GATE=USR2 ;;
	esac
}

# stacks_check KIND FILE : full_stacks for the C workloads, else "-"
stacks_check() {
	if [ "$DEPTH" -gt 0 ] && [ "$1" != none ]; then
		full_stacks "$1" "$2" "$DEPTH"
	else
		echo -
	fi
}

record_run() { # GROUP CONFIG ROUND cpu wall total rec_cpu rec_wall samples bytes lost nivcsw full
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@" >>"$RUNS"
}

# run_attach GROUP CONFIG ROUND FREQ : one gated run, recorder attached by pid
run_attach() {
	local g=$1 c=$2 r=$3 f=$4 d=$W/run wpid t0 t1 rc=- rw=- s=- b=- l=-
	rm -rf "$d"; mkdir -p "$d"
	set_recorder "$c" "$f" "$d/rec.data"
	"${WL[@]}" -w >"$d/wl" 2>&1 &
	wpid=$!
	if ! wait_ready "$d/wl" "$wpid"; then
		echo "bench: $g $c: workload did not start: $(head -c 300 "$d/wl")" >&2
		kill "$wpid" 2>/dev/null; wait "$wpid" 2>/dev/null
		return 1
	fi
	if [ "$KIND" != none ]; then
		start_measured "$d" "${REC[@]}" -p "$wpid"
		if ! wait_attached "$d/pid"; then
			echo "bench: $g $c: recorder did not attach: $(head -c 300 "$d/err")" >&2
			kill "$wpid" "$(cat "$d/pid" 2>/dev/null)" 2>/dev/null
			wait "$wpid" "$SUBSHELL" 2>/dev/null
			return 1
		fi
	fi
	t0=$(now)
	kill -"$GATE" "$wpid"
	wait "$wpid"
	if [ "$KIND" != none ]; then
		wait_gone "$SUBSHELL" 60
		t1=$(now)
		rw=$(sub "$t1" "$t0")
		rc=$(times_children "$d/times")
		read -r s b l < <(recorder_output "$KIND" "$d/rec.data" "$d/err")
	fi
	record_run "$g" "$c" "$r" "$(bench_field cpu "$d/wl")" "$(bench_field wall "$d/wl")" \
		"$(bench_field total_cpu "$d/wl")" "$rc" "$rw" "$s" "$b" "$l" \
		"$(bench_field nivcsw "$d/wl")" "$(stacks_check "$KIND" "$d/rec.data")"
}

# run_launch GROUP CONFIG ROUND FREQ : the recorder launches the workload
run_launch() {
	local g=$1 c=$2 r=$3 f=$4 d=$W/run t0 t1 rc=- s=- b=- l=- total
	rm -rf "$d"; mkdir -p "$d"
	set_recorder "$c" "$f" "$d/rec.data"
	t0=$(now)
	if [ "$KIND" = none ]; then
		"${WL[@]}" >"$d/out" 2>"$d/err"
	else
		start_measured "$d" "${REC[@]}" -- "${WL[@]}"
		wait_gone "$SUBSHELL" 120
	fi
	t1=$(now)
	total=$(bench_field total_cpu "$d/out")
	if [ "$KIND" != none ]; then
		rc=$(awk -v a="$(times_children "$d/times")" -v b="$total" \
			'BEGIN { if (b == "") print "-"; else printf "%.3f", a - b }')
		read -r s b l < <(recorder_output "$KIND" "$d/rec.data" "$d/err")
	fi
	record_run "$g" "$c" "$r" "$(bench_field cpu "$d/out")" "$(bench_field wall "$d/out")" \
		"$total" "$rc" "$(sub "$t1" "$t0")" "$s" "$b" "$l" "$(bench_field nivcsw "$d/out")" \
		"$(stacks_check "$KIND" "$d/rec.data")"
}

# round MODE GROUP ROUND FREQ CONFIG... : every CONFIG once, rotated by ROUND
NRUN=0
round() {
	local mode=$1 g=$2 r=$3 f=$4; shift 4
	local cs=("$@") n=$# i c
	for ((i = 0; i < n; i++)); do
		c=${cs[$(((i + r) % n))]}
		NRUN=$((NRUN + 1))
		"run_$mode" "$g" "$c" "$r" "$f" || continue
		tail -n 1 "$RUNS" | awk -F'\t' -v n="$NRUN" -v t="$TOTAL_RUNS" \
			'{ printf "[%d/%d] %-16s %-12s round %s: cpu %.3f s, recorder cpu %s s, samples %s, bytes %s, full stacks %s%%\n",
				n, t, $1, $2, $3, $4, $7, $9, $10, $13 }' >&2
	done
}

want() { case " $GROUPS_ONLY " in *" $1 "*) return 0 ;; esac; return 1; }

nf=$(echo $FREQS | wc -w)
npf=$(echo $PY_FREQS | wc -w)
TOTAL_RUNS=0
want attach && TOTAL_RUNS=$((TOTAL_RUNS + ROUNDS * nf * 4))
want launch && TOTAL_RUNS=$((TOTAL_RUNS + ROUNDS * nf * 4))
want dwarf && TOTAL_RUNS=$((TOTAL_RUNS + ROUNDS * 4))
want python && TOTAL_RUNS=$((TOTAL_RUNS + ROUNDS * npf * 3))
want py310 && TOTAL_RUNS=$((TOTAL_RUNS + ROUNDS * npf * 4))
want beam && TOTAL_RUNS=$((TOTAL_RUNS + ROUNDS * npf * 3))
if want beam; then
	mkdir -p "$W/beam"
	erlc -o "$W/beam" bench/beam_bench.erl || die "erlc bench/beam_bench.erl failed"
fi
echo "bench: $TOTAL_RUNS runs: $ROUNDS rounds, F = $FREQS (python: $PY_FREQS), $UNITS C units, $PY_UNITS Python units ($PYTHON)" >&2

for r in $(seq "$ROUNDS"); do
	for f in $FREQS; do
		set_workload fp
		want attach && round attach "attach-$f" "$r" "$f" base perf-fp flamer-fp flamer-auto
		want launch && round launch "launch-$f" "$r" "$f" base perf-fp flamer-fp flamer-auto
	done
	if want dwarf; then
		set_workload nofp
		round attach dwarf-999 "$r" 999 base perf-dwarf flamer-dwarf flamer-auto
	fi
	if want python; then
		set_workload py
		for f in $PY_FREQS; do
			round attach "python-$f" "$r" "$f" base perf-fp flamer-auto
		done
	fi
	if want py310; then
		set_workload py310
		for f in $PY_FREQS; do
			round attach "py310-$f" "$r" "$f" base perf-fp flamer-auto austin
		done
	fi
	if want beam; then
		set_workload beam
		for f in $PY_FREQS; do
			round attach "beam-$f" "$r" "$f" base perf-fp flamer-auto
		done
	fi
done
rm -rf "$W"
FLAMER=$FLAMER_SRC

report "$RUNS" "$ROUNDS" "$PYTHON" >"$RESULTS"
cat "$RESULTS"
echo "bench: results in $RESULTS, raw runs in $RUNS" >&2
