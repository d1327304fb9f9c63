# t_escape.sh - names from the target or an input file are escaped wherever
# they are written: the SVG stays well-formed XML with the names' text
# intact, speedscope output stays valid JSON with the same names, and no
# markup from a name survives as markup.
command -v xmllint >/dev/null || skip "xmllint not installed (libxml2-utils)"
command -v python3 >/dev/null || skip "python3 not installed"
wl=$PWD/samples/bin/tree-fp
[ -x "$wl" ] || skip "build samples first (make samples)"

# names in a collapsed-stack file
printf 'main;<script>alert(1)</script>;a&b 3\nmain;"quoted";it'"'"'s 2\nmain;]]>;--> 1\nmain;\001\002ctl;\377\376bad 4\nmain;<svg onload=x> 1\n' >"$T/esc.folded"
expect_exit 0 "$FLAMER" svg -o "$T/esc.svg" "$T/esc.folded"
xmllint --noout "$T/esc.svg" || fail "SVG with hostile names is not well-formed"
expect_no_grep '<script>alert|<svg onload' "$T/esc.svg"
# the names are still there, as text
python3 - "$T/esc.svg" <<'PY' || fail "names lost in the SVG"
import sys, xml.etree.ElementTree as ET
texts = " ".join(e.text or "" for e in ET.parse(sys.argv[1]).iter() if e.tag.endswith("title"))
for want in ['<script>alert(1)</script>', 'a&b', '"quoted"', "it's", ']]>', '<svg onload=x>']:
    assert want in texts, (want, texts[:500])
PY
expect_exit 0 "$FLAMER" collapse --input folded --format speedscope -o "$T/esc.json" "$T/esc.folded"
python3 - "$T/esc.json" <<'PY' || fail "speedscope JSON with hostile names is broken"
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
names = {f["name"] for f in d["shared"]["frames"]}
for want in ['<script>alert(1)</script>', 'a&b', '"quoted"', "it's", ']]>', '<svg onload=x>']:
    assert want in names, (want, names)
PY

# names from a target: a program called <b>&"x' (its comm and root frame)
bad=$T/$(printf '<b>&"x\047')
cp "$wl" "$bad"
expect_exit 0 timeout 30 "$FLAMER" record -F 499 -o "$T/h.data" -- "$bad" -d 0.3
expect_exit 0 "$FLAMER" collapse "$T/h.data"
grep -q "^<b>&\"x';" "$T/stdout" || fail "root frame not the program's name: $(head -2 "$T/stdout")"
cp "$T/stdout" "$T/h.folded"
expect_exit 0 "$FLAMER" svg -o "$T/h.svg" "$T/h.folded"
xmllint --noout "$T/h.svg" || fail "SVG of a hostile program name is not well-formed"
expect_no_grep '<b>&' "$T/h.svg"
expect_exit 0 "$FLAMER" collapse --format speedscope -o "$T/h.json" "$T/h.data"
python3 - "$T/h.json" <<'PY' || fail "speedscope JSON of a hostile program name is broken"
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
names = {f["name"] for f in d["shared"]["frames"]}
assert "<b>&\"x'" in names, names
PY
echo "escaping ok"
