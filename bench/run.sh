#!/bin/bash
# run.sh - `make bench`: flamer side by side with the incumbent tools, on
# this machine, in one run.  Not part of `make check`.
#
#   bench/record.sh    flamer record vs perf record: target slowdown,
#                      recorder CPU, bytes per sample (bench/out/results.md)
#   bench/collapse.sh  flamer collapse vs stackcollapse-perf.pl (if present)
#   bench/render.sh    flamer svg vs flamegraph.pl (if present)
#   bench/offcpu.sh    record --off-cpu vs perf sched:sched_switch on
#                      ~200k context switches/s
#   bench/build.sh     recorder CPU and memory on a make -j2 of this
#                      repository (hundreds of short-lived processes),
#                      flamer record vs perf record -g, as a ratio
#
#   QUICK=1 bench/run.sh   a fast smoke run (1 round, less work)
# See docs/bench.md for the method and the last measured numbers.
set -u
cd "$(dirname "$0")/.."
status=0
bench/record.sh || status=1
bench/offcpu.sh || status=1
echo
echo "== bench/build.sh"
if [ "${QUICK:-0}" = 1 ]; then ROUNDS=1 bench/build.sh; else bench/build.sh; fi || status=1
for b in collapse render; do
	echo
	if [ -x "bench/$b.sh" ]; then
		echo "== bench/$b.sh"
		"bench/$b.sh" || { echo "bench: bench/$b.sh failed" >&2; status=1; }
	else
		echo "== bench/$b.sh: not present, skipped"
	fi
done
exit $status
