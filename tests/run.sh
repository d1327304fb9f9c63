#!/bin/bash
# run.sh - runs every flamer test and prints "N passed, N failed, N skipped".
#
#   tests/run.sh [--build DIR] [--flamer PATH] [PATTERN]
#
# Unit tests: DIR/tests/unit/test_* (built by `make unit`).
# Script tests: tests/*/t_*.sh, run from the top of the tree with
#   FLAMER   absolute path of the flamer binary under test
#   BUILD    build directory (unit binaries, fuzz replayers)
#   T        a fresh scratch directory, removed afterwards
# and sourcing tests/lib.sh for helpers.  A script exits 0 = pass,
# 77 = skip (print why), anything else = fail.  PATTERN (a substring)
# selects tests.
set -u
cd "$(dirname "$0")/.."
build=build flamer=./flamer pattern=
while [ $# -gt 0 ]; do
	case $1 in
	--build) build=$2; shift 2 ;;
	--flamer) flamer=$2; shift 2 ;;
	*) pattern=$1; shift ;;
	esac
done
FLAMER=$(readlink -f "$flamer")
BUILD=$(readlink -f "$build")
export FLAMER BUILD
TEST_TIMEOUT=${TEST_TIMEOUT:-600}
pass=0 fail=0 skip=0 failed_names=
logdir=$(mktemp -d /tmp/flamer-tests.XXXXXX)

run_one() {
	local name=$1; shift
	local log="$logdir/$(echo "$name" | tr '/' '_').log" rc start end
	start=$(date +%s)
	T=$(mktemp -d /tmp/flamer-t.XXXXXX) timeout -k 10 "$TEST_TIMEOUT" "$@" >"$log" 2>&1
	rc=$?
	end=$(date +%s)
	case $rc in
	0) pass=$((pass + 1)); echo "PASS $name ($((end - start))s)" ;;
	77) skip=$((skip + 1)); echo "SKIP $name: $(tail -n 1 "$log")" ;;
	*) fail=$((fail + 1)); failed_names="$failed_names $name"
	   echo "FAIL $name (exit $rc, $((end - start))s)"; sed 's/^/    /' "$log" | tail -n 40 ;;
	esac
}

for t in "$BUILD"/tests/unit/test_*; do
	[ -x "$t" ] || continue
	case $t in *.d|*.o) continue ;; esac
	[ -n "$pattern" ] && [[ $t != *"$pattern"* ]] && continue
	run_one "unit/$(basename "$t")" "$t"
done
for t in tests/*/t_*.sh; do
	[ -f "$t" ] || continue
	[ -n "$pattern" ] && [[ $t != *"$pattern"* ]] && continue
	run_one "${t#tests/}" bash -c 'trap "rm -rf \"$T\"" EXIT; cd "$0" && . tests/lib.sh && . "$1"' "$PWD" "$t"
done
rm -rf "$logdir"
[ -n "$failed_names" ] && echo "failed:$failed_names"
echo "$pass passed, $fail failed, $skip skipped"
[ "$fail" -eq 0 ]
