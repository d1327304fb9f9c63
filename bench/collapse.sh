#!/bin/bash
# bench/collapse.sh - `flamer collapse` throughput on a large `perf script`
# file, beside FlameGraph's stackcollapse-perf.pl when FLAMEGRAPH_DIR is set.
#
#   bench/collapse.sh [SIZE_MB]      (default 256; at least 200 for the record)
#
# The input is tests/collapse/perf-system.txt (a real system-wide profile)
# repeated with the process names and pids varied per copy, so the file has
# several thousand unique stacks rather than a few dozen.  Prints MB/s and
# samples/s for each tool; perl runs on a 1/8 slice (it takes ~13 MB/s) and
# its rate is reported for that slice.
set -eu
cd "$(dirname "$0")/.."
FLAMER=${FLAMER:-./flamer}
size_mb=${1:-256}
work=$(mktemp -d /tmp/flamer-bench-collapse.XXXXXX)
trap 'rm -rf "$work"' EXIT
src=tests/collapse/perf-system.txt
in=$work/big.txt

src_bytes=$(stat -c %s "$src")
copies=$(( size_mb * 1024 * 1024 / src_bytes + 1 ))
awk -v copies="$copies" '
	{ lines[n++] = $0 }
	END {
		for (c = 0; c < copies; c++)
			for (i = 0; i < n; i++) {
				l = lines[i]
				if (l ~ /^[^\t#]/ && l != "")
					sub(/ /, "_" (c % 64) " " (c % 7) "", l)
				print l
			}
	}' "$src" >"$in"
bytes=$(stat -c %s "$in")
samples=$(grep -c '^$' "$in" || true)
mb=$(awk -v b="$bytes" 'BEGIN { printf "%.1f", b / 1048576 }')
echo "input: $mb MB, $samples samples ($copies copies of $src)"

rate() { # seconds bytes samples
	awk -v s="$1" -v b="$2" -v n="$3" 'BEGIN { printf "%8.1f MB/s %12.0f samples/s (%.2f s)", b / 1048576 / s, n / s, s }'
}
now() { date +%s.%N; }

best=
for run in 1 2 3; do
	t0=$(now)
	"$FLAMER" collapse -q --input perf "$in" >"$work/flamer.folded"
	t1=$(now)
	t=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')
	best=$(awk -v a="${best:-1e9}" -v b="$t" 'BEGIN { print (b < a) ? b : a }')
done
echo "flamer collapse:        $(rate "$best" "$bytes" "$samples")  ($(wc -l <"$work/flamer.folded") unique stacks, best of 3)"

if [ -n "${FLAMEGRAPH_DIR:-}" ] && [ -f "$FLAMEGRAPH_DIR/stackcollapse-perf.pl" ]; then
	slice=$work/slice.txt
	head -c $(( bytes / 8 )) "$in" >"$slice"
	sbytes=$(stat -c %s "$slice")
	ssamples=$(grep -c '^$' "$slice" || true)
	t0=$(now)
	perl "$FLAMEGRAPH_DIR/stackcollapse-perf.pl" --kernel "$slice" >"$work/perl.folded" 2>/dev/null
	t1=$(now)
	t=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')
	echo "stackcollapse-perf.pl:  $(rate "$t" "$sbytes" "$ssamples")  (1/8 slice)"
	"$FLAMER" collapse -q --input perf "$slice" >"$work/flamer-slice.folded" 2>/dev/null
	if cmp -s "$work/perl.folded" "$work/flamer-slice.folded"; then
		echo "outputs on the slice: identical"
	else
		echo "outputs on the slice: DIFFER"
	fi
	awk -v a="$t" -v sb="$sbytes" -v b="$best" -v bb="$bytes" \
		'BEGIN { printf "speed-up: %.1fx\n", (bb / b) / (sb / a) }'
else
	echo "stackcollapse-perf.pl: set FLAMEGRAPH_DIR=/path/to/FlameGraph to compare"
fi
