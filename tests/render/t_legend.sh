# t_legend.sh - the legend of colours by frame kind: one swatch per kind
# drawn, in that kind's hue band (the frames' own hues), none for a single
# kind, a differential graph, another palette or --no-legend.
printf 'app;main;work;sys_read_[k];vfs_read_[k] 5\napp;main;py_run (x.py) 3\napp;main;helper_[i] 2\n' >"$T/mixed.folded"
expect_exit 0 "$FLAMER" svg "$T/mixed.folded"
cp "$T/stdout" "$T/mixed.svg"
expect_grep '<g id="legend"' "$T/mixed.svg"
legend=$(sed -n '/<g id="legend"/,/<\/g>/p' "$T/mixed.svg" | sed -n 's/.*<text[^>]*>\([^<]*\)<\/text>.*/\1/p' | tr '\n' ,)
[ "$legend" = "native,inlined,kernel,Python," ] || fail "legend lists '$legend', expected native,inlined,kernel,Python"
# a swatch's hue against the frames of its kind
hue_of() { # hue of a #rrggbb colour
	awk -v c="$1" 'function hx(s) { return index("0123456789abcdef", tolower(s)) - 1 }
	function byte(i) { return hx(substr(c, i, 1)) * 16 + hx(substr(c, i + 1, 1)) }
	BEGIN { r = byte(2) / 255; g = byte(4) / 255; b = byte(6) / 255
		mx = r; if (g > mx) mx = g; if (b > mx) mx = b
		mn = r; if (g < mn) mn = g; if (b < mn) mn = b; d = mx - mn; h = 0
		if (d > 0) { if (mx == r) h = 60 * (((g - b) / d) % 6); else if (mx == g) h = 60 * ((b - r) / d + 2); else h = 60 * ((r - g) / d + 4) }
		if (h < 0) h += 360; printf "%.0f\n", h }'
}
swatch() { sed -n "/<g id=\"legend\"/,/<\\/g>/p" "$T/mixed.svg" | grep ">$1</text>" | sed 's/.*fill="\(#[0-9a-f]*\)".*/\1/'; }
svg_colors "$T/mixed.svg" >"$T/colors"
near() { # HUE1 HUE2 : within 20 degrees on the circle
	awk -v a="$1" -v b="$2" 'BEGIN { d = a - b; if (d < 0) d = -d; if (d > 180) d = 360 - d; exit !(d <= 20) }'
}
for pair in kernel:sys_read Python:py_run inlined:helper native:work; do
	kind=${pair%%:*} frame=${pair#*:}
	sw=$(hue_of "$(swatch "$kind")")
	fr=$(awk -F'\t' -v f="$frame" 'index($1, f) == 1 { print $2; exit }' "$T/colors")
	[ -n "$fr" ] || fail "no frame $frame in the SVG"
	near "$sw" "$fr" || fail "legend swatch for $kind has hue $sw, the $frame frame $fr"
done
# the legend sits below the frames and does not change them
"$FLAMER" svg --no-legend "$T/mixed.folded" >"$T/nolegend.svg" || fail "--no-legend"
expect_no_grep 'id="legend"' "$T/nolegend.svg"
# one kind, another palette, a differential graph: no legend
printf 'a;b;c 3\na;d 1\n' >"$T/one.folded"
"$FLAMER" svg "$T/one.folded" >"$T/one.svg" || fail "svg one kind"
expect_no_grep 'id="legend"' "$T/one.svg"
"$FLAMER" svg --colors hot "$T/mixed.folded" >"$T/hot.svg" || fail "svg --colors hot"
expect_no_grep 'id="legend"' "$T/hot.svg"
"$FLAMER" diff "$T/mixed.folded" "$T/mixed.folded" >"$T/diff.svg" || fail "diff"
expect_no_grep 'id="legend"' "$T/diff.svg"
exit 0
