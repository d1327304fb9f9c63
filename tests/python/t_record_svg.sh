# t_record_svg.sh - the flame graph of a recorded CPython process colours
# Python frames ("qualname (file.py)", with --lines "(file.py:LINE)") in
# the Python band of the kind palette (render/palette.c: blue, hue
# 200-228), and the native frames of the same stacks (the interpreter's
# start-up, zlib) and kernel frames outside it.
. tests/python/pyreclib.sh
py=/root/.pyenv/versions/3.11.7/bin/python3
[ -x "$py" ] || py=/usr/bin/python3.11
[ -x "$py" ] || skip "no CPython 3.11 installed"


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
