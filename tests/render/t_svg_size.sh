# t_svg_size.sh - on the bench's 60,000-unique-stack profile the merged
# narrow-frame placeholders cost few elements (at most 1 in 8 of the frames
# drawn), and, when FLAMEGRAPH_DIR points at FlameGraph's scripts, the SVG
# is no larger than flamegraph.pl's for the same input.
bench/gen_folded.sh 60000 >"$T/in.folded" || fail "generator"
[ "$(wc -l <"$T/in.folded")" -eq 60000 ] || fail "generator made $(wc -l <"$T/in.folded") stacks"
"$FLAMER" svg "$T/in.folded" >"$T/flamer.svg" || fail "flamer svg"
frames=$(grep -c '^<g><title>' "$T/flamer.svg")
merged=$(grep -c '^<g><title>\[[0-9]* narrow frames\]' "$T/flamer.svg")
[ "$frames" -gt 10000 ] || fail "only $frames frames drawn"
# measured: 3,338 placeholders among 41,673 frames (8%)
[ $((merged * 8)) -le "$frames" ] ||
	fail "$merged merged placeholders among $frames frames: more than 1 in 8"
size=$(stat -c %s "$T/flamer.svg")
if [ -z "${FLAMEGRAPH_DIR:-}" ]; then
	echo "flamer: $size bytes, $frames frames ($merged merged); set FLAMEGRAPH_DIR to compare with flamegraph.pl"
	exit 0
fi
[ -f "$FLAMEGRAPH_DIR/flamegraph.pl" ] || fail "no flamegraph.pl in FLAMEGRAPH_DIR=$FLAMEGRAPH_DIR"
perl "$FLAMEGRAPH_DIR/flamegraph.pl" --minwidth 0.1 "$T/in.folded" >"$T/fg.svg" || fail "flamegraph.pl failed"
fg=$(stat -c %s "$T/fg.svg")
echo "flamer $size bytes, flamegraph.pl $fg bytes"
[ "$size" -le "$fg" ] || fail "flamer's SVG ($size bytes) is larger than flamegraph.pl's ($fg bytes)"
