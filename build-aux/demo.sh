#!/bin/sh
# demo.sh - called by `make demo` once ./flamer and samples/ are built:
# profiles a bundled sample for a few seconds with the default options and
# writes demo.svg at the top of the tree.  Exits non-zero if a step fails.
#
# The sample (samples/c/tree.c, built without frame pointers) runs
#   main -> outer -> left -> leaf_a / right -> leaf_b   (3:1)
#   sys_thread -> syscall_heavy -> write(2)             (kernel frames, as root)
#   late_thread -> late_leaf                            (starts after 1 s)
set -eu
cd "$(dirname "$0")/.."
FLAMER=./flamer
SAMPLE=samples/bin/tree-nofp
secs=${DEMO_SECONDS:-3}

[ -x "$FLAMER" ] || { echo "flamer: demo: $FLAMER is not built (run make)" >&2; exit 1; }
[ -x "$SAMPLE" ] || { echo "flamer: demo: $SAMPLE is not built (run make samples)" >&2; exit 1; }

tmp=$(mktemp -d /tmp/flamer-demo.XXXXXX)
trap 'rm -rf "$tmp"' EXIT INT TERM

echo "flamer: profiling $SAMPLE for $secs s" >&2
"$FLAMER" record -o "$tmp/demo.data" -- "$SAMPLE" -d "$secs" -s -l 1000
"$FLAMER" collapse -o "$tmp/demo.folded" "$tmp/demo.data"
n=$(awk '{ s += $NF } END { printf "%d\n", s + 0 }' "$tmp/demo.folded")
[ "$n" -gt 0 ] || { echo "flamer: demo: the recording holds no samples" >&2; exit 1; }
"$FLAMER" svg --title "flamer demo: $(basename "$SAMPLE")" \
	--subtitle "main -> outer -> left/right (3:1), a syscall-heavy thread, a late thread" \
	-o "$tmp/demo.svg" "$tmp/demo.folded"
mv "$tmp/demo.svg" demo.svg
echo "flamer: wrote demo.svg ($n samples)"
