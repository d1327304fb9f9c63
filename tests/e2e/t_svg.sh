# record | collapse | svg: a well-formed SVG naming the frames.
. tests/e2e/e2elib.sh
need_sample tree-nofp
command -v xmllint >/dev/null || skip "xmllint not installed (libxml2-utils)"

record "$T/s.data" -- "$SAMPLES/tree-nofp" -d 1.5
set -o pipefail
"$FLAMER" collapse "$T/s.data" | "$FLAMER" svg --title "e2e <tree> & co" >"$T/out.svg" ||
	fail "collapse | svg failed"
xmllint --noout "$T/out.svg" || fail "out.svg is not well-formed XML"
for name in main outer left right leaf_a leaf_b tree-nofp; do
	grep -q "$name" "$T/out.svg" || fail "no '$name' in the SVG"
done
grep -q 'e2e &lt;tree&gt; &amp; co' "$T/out.svg" || fail "the title is missing or not escaped"
