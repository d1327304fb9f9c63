# t_svg.sh - flamer svg / diff behaviour that goldens do not show: errors
# and exit codes, frame counts and widths computed from the input, limits
# (huge names, deep stacks), -o, stdin, and the differential arithmetic.
command -v xmllint >/dev/null || skip "xmllint (libxml2-utils) not installed"
fx=tests/render

# frames drawn = distinct (prefix) paths + the root, at --minwidth 0
frames_expected() {
	awk 'NF > 1 && $NF ~ /^[0-9.]+$/ { s = $0; sub(/[ \t]+[0-9.]+$/, "", s); k = split(s, f, ";"); p = ""
		for (i = 1; i <= k; i++) { if (f[i] == "") continue; p = p ";" f[i]; seen[p] = 1 } }
		END { n = 1; for (q in seen) n++; print n }' "$1"
}
"$FLAMER" svg --minwidth 0 "$fx/basic.folded" >"$T/basic.svg" 2>"$T/err" || fail "svg failed"
xmllint --noout "$T/basic.svg" || fail "basic: not well-formed"
got=$(grep -c '^<g><title>' "$T/basic.svg")
want=$(frames_expected "$fx/basic.folded")
[ "$got" -eq "$want" ] || fail "basic: $got frames, expected $want"
# two malformed lines, reported once on one line
expect_grep 'skipped 2 malformed lines' "$T/err"
[ "$(wc -l <"$T/err")" -eq 1 ] || fail "more than one stderr line: $(cat "$T/err")"
# the root's count is the input's total, the root spans the full width
total=$(awk 'NF > 1 && $NF ~ /^[0-9.]+$/ { s += $NF } END { print s }' "$fx/basic.folded")
total_txt=$(awk -v t="$total" 'BEGIN { if (t == int(t)) print t; else printf "%.2f", t }')
expect_grep "<title>all \\($total_txt samples, 100%\\)</title><rect x=\"10\" y=\"[0-9]+\" width=\"1180\"" "$T/basic.svg"
# a frame's width is its share of 1180 px: hash_block 46 of 96.5
w=$(awk -v t="$total" 'BEGIN { printf "%.2f", 46 * 1180 / t }')
expect_grep "<title>hash_block \\(46 samples, [0-9.]+%\\)</title><rect x=\"[0-9.]+\" y=\"[0-9]+\" width=\"$w\"" "$T/basic.svg"
# suffixes are stripped from labels, kinds keep their own colour family
expect_grep '<title>vfs_read \(7 samples' "$T/basic.svg"
expect_no_grep '_\[k\]' "$T/basic.svg"

# stdin, -o, --width
"$FLAMER" svg --width 600 -o "$T/out.svg" <"$fx/basic.folded" 2>/dev/null || fail "svg -o failed"
expect_grep '<svg [^>]*width="600"' "$T/out.svg"
expect_grep 'width="580"' "$T/out.svg"

# errors
expect_exit 1 "$FLAMER" svg /dev/null
expect_grep 'flamer: svg: .*no stacks in input' "$T/stderr"
printf 'no counts here\nnor here x\n' >"$T/bad.folded"
expect_exit 1 "$FLAMER" svg "$T/bad.folded"
expect_grep 'no stacks in input' "$T/stderr"
expect_exit 1 "$FLAMER" svg "$T/missing.folded"
expect_exit 2 "$FLAMER" svg --minwidth abc "$fx/basic.folded"
expect_exit 2 "$FLAMER" svg --colors nosuch "$fx/basic.folded"
expect_exit 2 "$FLAMER" svg --bgcolors '#12' "$fx/basic.folded"
expect_exit 2 "$FLAMER" svg --sort size "$fx/basic.folded"
expect_exit 2 "$FLAMER" svg --bogus "$fx/basic.folded"
expect_exit 2 "$FLAMER" diff "$fx/before.folded"
printf 'a 1e308\nb 1e308\n' >"$T/inf.folded"
expect_exit 1 "$FLAMER" svg "$T/inf.folded"
expect_grep 'beyond the range' "$T/stderr"
printf 'a 0\n' >"$T/zero.folded"
expect_exit 1 "$FLAMER" svg "$T/zero.folded"
expect_exit 1 "$FLAMER" diff "$T/zero.folded" "$fx/after.folded"
expect_exit 0 "$FLAMER" svg --help
expect_grep 'minwidth PX' "$T/stdout"

# limits: a 1 MB name and a 100,000-frame stack stay bounded and well-formed
awk 'BEGIN { s = "main;"; for (i = 0; i < 1048576; i++) printf "%s", (i == 0 ? s : "N"); print " 5"
	for (i = 0; i < 100000; i++) printf "f%d;", i % 7; print "leaf 3" }' >"$T/huge.folded"
"$FLAMER" svg -o "$T/huge.svg" "$T/huge.folded" 2>"$T/err" || fail "huge input failed: $(cat "$T/err")"
xmllint --noout --huge "$T/huge.svg" || fail "huge: not well-formed"
expect_grep 'deeper than 4095 frames' "$T/err"
expect_grep '\[truncated\]' "$T/huge.svg"
size=$(stat -c %s "$T/huge.svg")
[ "$size" -lt 20000000 ] || fail "huge: SVG of $size bytes"

# differential: BEFORE scaled to AFTER's total (200 / 100 = 2)
"$FLAMER" diff "$fx/before.folded" "$fx/after.folded" >"$T/diff.svg" || fail "diff failed"
xmllint --noout "$T/diff.svg" || fail "diff: not well-formed"
expect_grep '<title>work \(120 samples, 60.00%; before 120, 0.00%\)' "$T/diff.svg"
expect_grep '<title>new_feature \(30 samples, 15.00%; before 0, \+15.00%\)' "$T/diff.svg"
expect_grep '<title>init \(10 samples, 5.00%; before 20, -5.00%\)' "$T/diff.svg"
# growth is red (ff....), shrinkage blue (....ff)
expect_grep '<title>new_feature[^<]*</title><rect [^>]*fill="#ff[0-9a-f]{4}"' "$T/diff.svg"
expect_grep '<title>init [^<]*</title><rect [^>]*fill="#[0-9a-f]{4}ff"' "$T/diff.svg"
"$FLAMER" svg --negate "$fx/twocol.folded" >"$T/neg.svg" || fail "negate failed"
expect_grep '<title>io \(10 samples, 9.09%; before 20, \+9.09%\)</title><rect [^>]*fill="#ff' "$T/neg.svg"

# --cp: colours stored in ./palette.map win over the palette, new names added
cp "$fx/basic.folded" "$T/cp.folded"
(cd "$T" && "$FLAMER" svg --cp cp.folded >cp1.svg 2>/dev/null) || fail "--cp failed"
expect_grep '^main->rgb\([0-9]+,[0-9]+,[0-9]+\)$' "$T/palette.map"
sed -i 's/^main->rgb(.*/main->rgb(1,2,3)/' "$T/palette.map"
echo 'main;brand_new 1' >>"$T/cp.folded"
(cd "$T" && "$FLAMER" svg --cp --colors green cp.folded >cp2.svg 2>/dev/null) || fail "--cp failed"
expect_grep '<title>main [^<]*</title><rect [^>]*fill="#010203"' "$T/cp2.svg"
expect_grep '^brand_new->rgb' "$T/palette.map"
echo ok
