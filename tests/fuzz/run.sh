#!/bin/bash
# run.sh - `make fuzz`: builds flamer's libFuzzer targets (tests/fuzz/fuzz.mk,
# clang, ASan+UBSan) and runs each for FUZZ_SECONDS (default 60) on its seed
# corpus tests/fuzz/corpus/NAME/.
#
#   tests/fuzz/run.sh [NAME...]       default: every tests/fuzz/fuzz_*.c
#   FUZZ_SECONDS=600 FUZZ_BUILD=build-fuzz FUZZ_JOBS=1 tests/fuzz/run.sh
#
# New inputs go to $FUZZ_BUILD/corpus/NAME (not into the tree); crashes to
# $FUZZ_BUILD/crashes/.  Copy a crasher into tests/fuzz/corpus/NAME/ once
# it is fixed, so `make check` (tests/fuzz/t_replay.sh) replays it forever.
# Each finished run appends "NAME SECONDS ok|crash" to $FUZZ_BUILD/fuzz.log.
set -u
cd "$(dirname "$0")/../.." || exit 1
FUZZ_SECONDS=${FUZZ_SECONDS:-60}
FUZZ_BUILD=${FUZZ_BUILD:-build-fuzz}
FUZZ_JOBS=${FUZZ_JOBS:-1}
command -v clang >/dev/null || { echo "run.sh: clang is needed (apt-get install clang libclang-rt-14-dev)" >&2; exit 1; }
make -s -f tests/fuzz/fuzz.mk -j"$(nproc)" FUZZ_BUILD="$FUZZ_BUILD" || exit 1

if [ $# -gt 0 ]; then
	names="$*"
else
	names=$(ls tests/fuzz/fuzz_*.c | sed 's|.*/fuzz_||; s|\.c$||')
fi
failed=
jobs=
[ "$FUZZ_JOBS" -gt 1 ] && jobs="-jobs=$FUZZ_JOBS -workers=$FUZZ_JOBS"
for n in $names; do
	work="$FUZZ_BUILD/corpus/$n"
	mkdir -p "$work" "$FUZZ_BUILD/crashes"
	echo "fuzz_$n: ${FUZZ_SECONDS}s"
	ASAN_OPTIONS=detect_leaks=1:allocator_may_return_null=1 \
	"$FUZZ_BUILD/fuzz_$n" -max_total_time="$FUZZ_SECONDS" -timeout=10 \
		-rss_limit_mb=1024 -max_len=262144 $jobs \
		-print_final_stats=1 \
		-artifact_prefix="$FUZZ_BUILD/crashes/$n-" \
		"$work" "tests/fuzz/corpus/$n" >"$FUZZ_BUILD/fuzz_$n.log" 2>&1
	rc=$?
	if [ $rc -eq 0 ]; then
		echo "$n $FUZZ_SECONDS ok" >>"$FUZZ_BUILD/fuzz.log"
		grep -E '^stat::number_of_executed_units' "$FUZZ_BUILD/fuzz_$n.log" | sed "s/^/  /"
	else
		echo "$n $FUZZ_SECONDS crash" >>"$FUZZ_BUILD/fuzz.log"
		echo "fuzz_$n FAILED (exit $rc), see $FUZZ_BUILD/fuzz_$n.log:"
		grep -E 'ERROR|SUMMARY|artifact' "$FUZZ_BUILD/fuzz_$n.log" | head -5 | sed 's/^/  /'
		failed="$failed $n"
	fi
done
[ -z "$failed" ] || { echo "crashed:$failed"; exit 1; }
echo "all fuzz targets ran ${FUZZ_SECONDS}s without a crash"
