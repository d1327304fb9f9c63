#!/bin/bash
# locations.sh - what pprof's code locations cost the recorder: two flamer
# binaries (e.g. main's and this tree's) alternated on launched targets,
# printing per run the samples, lost samples and the recorder's CPU
# (flamer's user+sys minus the target's, from bash's `times`), and for a
# recording with LINES its look-up time (COUNT lines-lookup-ns).  Not part
# of `make check`: nothing here asserts on time.  docs/bench.md has a run.
#
#   bench/locations.sh OLD_FLAMER NEW_FLAMER [ROUNDS]
#   FLAMER_NO_LINES=1 bench/locations.sh ...   sampling cost alone
#
# Workloads: Debian's /usr/bin/python3.11 (with python3.11-dbg, which
# brings libc6-dbg: the separate debug files whose decompression made the
# first attempt lose samples) at 999 Hz, the same with --off-cpu on
# samples/python/waiter.py, and gzip -9 of 54 MB of base64 at 999 Hz.
set -u
cd "$(dirname "$0")/.." || exit 1
[ $# -ge 2 ] || { echo "usage: $0 OLD_FLAMER NEW_FLAMER [ROUNDS]" >&2; exit 2; }
OLD=$(readlink -f "$1") NEW=$(readlink -f "$2") ROUNDS=${3:-5}
D=$(mktemp -d /tmp/flamer-locbench.XXXXXX)
trap 'rm -rf "$D"' EXIT
PY=/usr/bin/python3.11
[ -x "$PY" ] || { echo "$0: $PY not installed" >&2; exit 1; }
head -c 40000000 /dev/urandom | base64 >"$D/data.txt"
cat >"$D/work.py" <<'PY'
import json, sys, time
def leaf(n):
    s = 0
    for i in range(n):
        s += i * i
    return s
def mid(n):
    return [json.dumps({"a": leaf(n), "b": list(range(50))}) for _ in range(20)]
t = time.time()
while time.time() - t < float(sys.argv[1]):
    mid(2000)
PY
secs() { awk '{ t = 0; for (i = 1; i <= NF; i++) { split($i, a, "m"); sub("s", "", a[2]); t += a[1] * 60 + a[2] } print t }'; }
one() { # BIN LABEL NAME ARGS...
	local bin=$1 l=$2 name=$3 out lost samples wall u s target
	shift 3
	out=$( { /usr/bin/time -f "TIME %e %U %S" "$bin" record -o "$D/$l.$name.data" "$@" 2>&1 >"$D/$l.$name.out"; } 2>&1 )
	lost=$(echo "$out" | sed -n 's/.* \([0-9]*\) lost.*/\1/p' | head -1)
	samples=$(echo "$out" | sed -n 's/^flamer: \([0-9]*\) samples.*/\1/p' | head -1)
	read -r _ wall u s <<<"$(echo "$out" | grep '^TIME')"
	target=$(tail -2 "$D/$l.$name.out" | secs | awk '{ t += $1 } END { print t }')
	printf '%s %s samples=%s lost=%s wall=%s recorder_cpu=%.3f\n' "$l" "$name" \
		"$samples" "$lost" "$wall" "$(echo "$u + $s - $target" | bc)"
}
run() { # BIN LABEL
	one "$1" "$2" py999 -q -F 999 -- bash -c "$PY $D/work.py 3; times"
	one "$1" "$2" pyoff -q --off-cpu -F 499 -- bash -c "$PY samples/python/waiter.py 2; times"
	one "$1" "$2" gzip999 -q -F 999 -- bash -c "gzip -9 -c $D/data.txt >/dev/null; times"
}
for r in $(seq "$ROUNDS"); do
	run "$OLD" old
	run "$NEW" new
done
