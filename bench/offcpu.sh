#!/bin/bash
# offcpu.sh - the cost of off-CPU recording on a workload that switches
# ~200,000 times a second (samples/c/pingpong.c: two threads passing a
# byte over pipes), side by side with perf recording sched:sched_switch.
# Prints a table (also bench/out/offcpu.md): the workload's own elapsed
# time (slowdown vs unprofiled), the whole command's CPU (target +
# recorder), the output size, and what was lost.  Not part of `make
# check`: nothing here asserts on time.
#
#   bench/offcpu.sh           3 rounds of 100,000 round trips
#   ROUNDS=1 N=50000 bench/offcpu.sh
set -u
cd "$(dirname "$0")/.."
FLAMER=${FLAMER:-./flamer}
ROUNDS=${ROUNDS:-3}
N=${N:-100000}
OUT=${OUT:-bench/out}
W=$OUT/offcpu
PP=samples/bin/pingpong-nofp
mkdir -p "$W"
[ -x "$PP" ] || { echo "bench: $PP not built (make samples)" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || { echo "bench: off-CPU recording needs root" >&2; exit 1; }
# perf's tracepoint needs tracefs
if [ ! -e /sys/kernel/tracing/events/sched/sched_switch ]; then
	mount -t tracefs nodev /sys/kernel/tracing 2>/dev/null ||
		echo "bench: cannot mount tracefs: perf rows will fail" >&2
fi

# run NAME CMD... : one measured run; appends "name elapsed cpu bytes lost"
run() {
	local name=$1; shift
	local out=$W/$name.data
	rm -f "$out"
	/usr/bin/time -f "%U %S" -o "$W/time" "$@" >"$W/stdout" 2>"$W/stderr"
	local el cpu bytes lost
	el=$(awk '/^elapsed/ { print $2 }' "$W/stdout")
	cpu=$(awk '{ print $1 + $2 }' "$W/time")
	bytes=$(stat -c %s "$out" 2>/dev/null || echo 0)
	lost=$(grep -Eo '([0-9]+ lost|lost [0-9]+ chunks|[0-9]+ dropped)' "$W/stderr" | tr '\n' ' ')
	printf '%s\t%s\t%s\t%s\t%s\n' "$name" "${el:-?}" "$cpu" "$bytes" "${lost:--}" >>"$W/runs.tsv"
}

: >"$W/runs.tsv"
for r in $(seq "$ROUNDS"); do
	run baseline "$PP" -n "$N"
	run "flamer --off-cpu (adaptive, default)" "$FLAMER" record --off-cpu -o "$W/flamer --off-cpu (adaptive, default).data" -- "$PP" -n "$N"
	run "flamer --off-cpu --off-cpu-every 1" "$FLAMER" record --off-cpu --off-cpu-every 1 -o "$W/flamer --off-cpu --off-cpu-every 1.data" -- "$PP" -n "$N"
	run "flamer --off-cpu --off-cpu-every 10" "$FLAMER" record --off-cpu --off-cpu-every 10 -o "$W/flamer --off-cpu --off-cpu-every 10.data" -- "$PP" -n "$N"
	run "perf -e sched:sched_switch -g" perf record -q -e sched:sched_switch -g -o "$W/perf -e sched:sched_switch -g.data" -- "$PP" -n "$N"
	run "perf -e sched:sched_switch --call-graph dwarf" perf record -q -e sched:sched_switch --call-graph dwarf,8192 -o "$W/perf -e sched:sched_switch --call-graph dwarf.data" -- "$PP" -n "$N"
done
{
	echo "| recorder | workload elapsed s (median) | x unprofiled | command CPU s | output KiB | lost / dropped (last run) |"
	echo "|---|---|---|---|---|---|"
	base=$(awk -F'\t' '$1 == "baseline" { print $2 }' "$W/runs.tsv" | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
	awk -F'\t' '{ print $1 }' "$W/runs.tsv" | awk '!seen[$0]++' | while read -r name; do
		awk -F'\t' -v n="$name" -v b="$base" '$1 == n { e[++k] = $2; c[k] = $3; s = $4; l = $5 }
			END {
				asort_e = ""; for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) {
					if (e[j] < e[i]) { t = e[i]; e[i] = e[j]; e[j] = t }
					if (c[j] < c[i]) { t = c[i]; c[i] = c[j]; c[j] = t } }
				m = e[int((k + 1) / 2)]; cm = c[int((k + 1) / 2)]
				printf "| %s | %.3f | %.2f | %.2f | %.0f | %s |\n", n, m, m / b, cm, s / 1024, l
			}' "$W/runs.tsv"
	done
} | tee "$OUT/offcpu.md"
