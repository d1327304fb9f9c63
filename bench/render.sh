#!/bin/bash
# render.sh - times `flamer svg` on a large generated collapsed input (at
# least 50,000 unique stacks), and flamegraph.pl on the same input in the
# same run when FLAMEGRAPH=/path/to/flamegraph.pl is set.  Reports wall
# time, peak RSS, SVG size and the ratios.  Not part of `make check`.
#
#   bench/render.sh [STACKS]        (default 60000)
#   FLAMEGRAPH=/tmp/FlameGraph/flamegraph.pl bench/render.sh
set -eu
cd "$(dirname "$0")/.."
FLAMER=${FLAMER:-./flamer}
stacks=${1:-60000}
minwidth=${MINWIDTH:-0.1}
work=$(mktemp -d /tmp/flamer-bench-render.XXXXXX)
trap 'rm -rf "$work"' EXIT
[ -x "$FLAMER" ] || { echo "build flamer first (make flamer)" >&2; exit 1; }

bench/gen_folded.sh "$stacks" >"$work/in.folded"
echo "input: $(wc -l <"$work/in.folded") unique stacks, $(du -h "$work/in.folded" | cut -f1)"

# measure NAME CMD... : wall seconds and peak RSS (KiB) of CMD > NAME.svg
measure() {
	local name=$1; shift
	local start end
	start=$(date +%s.%N)
	if [ -x /usr/bin/time ]; then
		/usr/bin/time -v -o "$work/$name.time" "$@" >"$work/$name.svg"
		rss=$(awk -F: '/Maximum resident/ { gsub(/ /, "", $2); print $2 }' "$work/$name.time")
		cpu=$(awk -F: '/User time|System time/ { s += $2 } END { print s }' "$work/$name.time")
	else
		"$@" >"$work/$name.svg" &
		local pid=$! peak=0 r
		while kill -0 $pid 2>/dev/null; do
			r=$(awk '/VmHWM/ { print $2 }' /proc/$pid/status 2>/dev/null || echo 0)
			[ "${r:-0}" -gt "$peak" ] && peak=$r
			sleep 0.01
		done
		wait $pid
		rss=$peak
		cpu=0
	fi
	end=$(date +%s.%N)
	wall=$(echo "$end - $start" | bc -l 2>/dev/null || awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')
	size=$(stat -c %s "$work/$name.svg")
	frames=$(grep -c '<g' "$work/$name.svg" || true)
	printf '%-13s wall %7.3f s  cpu %7.3f s  peak RSS %8d KiB  SVG %9d bytes  %7d frames\n' "$name" "$wall" "$cpu" "$rss" "$size" "$frames"
}

best() { # best of 3 for flamer (it is short enough for noise to matter)
	local b=999999 bw
	for i in 1 2 3; do
		measure flamer "$FLAMER" svg --minwidth "$minwidth" "$work/in.folded" >"$work/line"
		bw=$(awk '{ print $3 }' "$work/line")
		if awk -v a="$bw" -v b="$b" 'BEGIN { exit !(a < b) }'; then b=$bw; cp "$work/line" "$work/best"; fi
	done
	cat "$work/best"
}
best
fl_wall=$(awk '{ print $3 }' "$work/best")
fl_cpu=$(awk '{ print $6 }' "$work/best")
fl_size=$(stat -c %s "$work/flamer.svg")
if [ -n "${FLAMEGRAPH:-}" ]; then
	measure flamegraph.pl perl "$FLAMEGRAPH" --minwidth "$minwidth" "$work/in.folded" | tee "$work/fg"
	fg_wall=$(awk '{ print $3 }' "$work/fg")
	fg_cpu=$(awk '{ print $6 }' "$work/fg")
	fg_size=$(stat -c %s "$work/flamegraph.pl.svg")
	awk -v a="$fg_wall" -v b="$fl_wall" -v c="$fl_size" -v d="$fg_size" -v e="$fg_cpu" -v f="$fl_cpu" \
		'BEGIN { printf "speed-up: %.1fx wall, %.1fx cpu (goal >= 20x); SVG size flamer/flamegraph.pl: %.2f (goal <= 1)\n", a / b, (f > 0 ? e / f : 0), c / d }'
else
	echo "(set FLAMEGRAPH=/path/to/flamegraph.pl to compare)"
fi
