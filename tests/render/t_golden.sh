# t_golden.sh - flamer svg/diff output on small fixtures against reviewed
# golden files (tests/render/golden/NAME.svg, the embedded script left out
# so a script change does not touch every golden), plus well-formed XML.
# Regenerate after an intended change with:
#   UPDATE_GOLDEN=1 tests/run.sh render/t_golden   (then review git diff)
command -v xmllint >/dev/null || skip "xmllint (libxml2-utils) not installed"
dir=$PWD/tests/render
strip_script() { sed '/^<script/,/^\]\]><\/script>/d' "$1"; }
n=0
while IFS='|' read -r name args; do
	name=$(echo $name)
	case $name in ''|'#'*) continue ;; esac
	eval "set -- $args"
	(cd "$dir" && "$FLAMER" "$@" -o "$T/$name.svg") 2>"$T/$name.err" ||
		fail "$name: flamer $args failed: $(cat "$T/$name.err")"
	xmllint --noout "$T/$name.svg" 2>"$T/xml.err" || fail "$name: not well-formed: $(head -3 "$T/xml.err")"
	strip_script "$T/$name.svg" >"$T/$name.cmp"
	if [ -n "${UPDATE_GOLDEN:-}" ]; then
		mkdir -p "$dir/golden" && cp "$T/$name.cmp" "$dir/golden/$name.svg"
	fi
	[ -f "$dir/golden/$name.svg" ] || fail "$name: no golden file"
	diff -u "$dir/golden/$name.svg" "$T/$name.cmp" >"$T/$name.diff" ||
		fail "$name: differs from golden: $(head -40 "$T/$name.diff")"
	n=$((n + 1))
done <"$dir/cases.txt"
[ "$n" -ge 10 ] || fail "only $n cases ran"
echo "$n goldens match"
