# t_record_svg.sh - the flame graph of a recorded CPython process colours
# Python frames ("qualname (file.py)", with --lines "(file.py:LINE)") in
# the Python band of the kind palette (render/palette.c: blue, hue
# 200-228), and the native frames of the same stacks (the interpreter's
# start-up, zlib) and kernel frames outside it.
. tests/python/pyreclib.sh
py=/root/.pyenv/versions/3.11.7/bin/python3
[ -x "$py" ] || py=/usr/bin/python3.11
[ -x "$py" ] || skip "no CPython 3.11 installed"

# svg_colors SVG: "NAME<TAB>HUE<TAB>SATURATION<TAB>LIGHTNESS" per frame box.
svg_colors() {
	awk '
	function hx(s) { return index("0123456789abcdef", tolower(s)) - 1 }
	function byte(s, i) { return hx(substr(s, i, 1)) * 16 + hx(substr(s, i + 1, 1)) }
	/<g><title>/ && match($0, /fill="#[0-9a-fA-F]+"/) {
		c = substr($0, RSTART + 7, 6)
		r = byte(c, 1) / 255; g = byte(c, 3) / 255; b = byte(c, 5) / 255
		mx = r; if (g > mx) mx = g; if (b > mx) mx = b
		mn = r; if (g < mn) mn = g; if (b < mn) mn = b
		l = (mx + mn) / 2; d = mx - mn; h = 0; s = 0
		if (d > 0) {
			s = d / (1 - (2 * l - 1 < 0 ? 1 - 2 * l : 2 * l - 1))
			if (mx == r) h = 60 * (((g - b) / d) % 6)
			else if (mx == g) h = 60 * ((b - r) / d + 2)
			else h = 60 * ((r - g) / d + 4)
			if (h < 0) h += 360
		}
		t = $0; sub(/.*<g><title>/, "", t); sub(/ \([0-9,]+ samples.*/, "", t)
		printf "%s\t%.0f\t%.2f\t%.2f\n", t, h, s, l
	}' "$1"
}

for mode in plain lines; do
	name=svg$mode
	opt=; [ $mode = lines ] && opt=--lines
	py_record "$name" $opt -- "$py" "$PYDIR/workload.py" 1.5
	"$FLAMER" svg "$T/$name.folded" >"$T/$name.svg" || fail "$name: flamer svg"
	if command -v xmllint >/dev/null; then
		xmllint --noout "$T/$name.svg" || fail "$name: the SVG is not well-formed"
	fi
	svg_colors "$T/$name.svg" >"$T/$name.colors"
	pyre=' \([^	]*workload\.py(:[0-9]+)?\)	'
	n=$(grep -cE "$pyre" "$T/$name.colors")
	[ "$n" -ge 5 ] || fail "$name: only $n boxes of workload.py frames in the SVG"
	for f in '&lt;module&gt;' main run Worker.work heavy light native_part; do
		grep -qE "^$f \\([^	]*workload\\.py(:[0-9]+)?\\)	" "$T/$name.colors" ||
			fail "$name: no box for $f: $(head -20 "$T/$name.colors")"
	done
	bad=$(grep -E "$pyre" "$T/$name.colors" | awk -F'\t' '!($2 >= 195 && $2 <= 233 && $3 >= 0.5 && $3 <= 0.9)')
	[ -z "$bad" ] || fail "$name: Python frames outside the Python colours: $bad"
	for f in Py_BytesMain zlib_compress; do
		line=$(grep -m1 "^$f	" "$T/$name.colors") || fail "$name: no box for $f"
		awk -F'\t' '{ exit !($2 >= 195 && $2 <= 233) }' <<<"$line" && fail "$name: native $f has a Python colour: $line"
	done
done
exit 0
