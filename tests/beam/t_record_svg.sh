# The flame graph of a recorded Erlang node colours Erlang frames
# (module:function/arity) with the Erlang hue band of the kind palette
# (render/palette.c: purple, hue 275-310), unlike the C BIF (native, red)
# and the JIT helper (green).
. tests/beam/beamlib.sh
beam_require_erl
beam_record myapp 2
"$FLAMER" collapse -q "$T/rec" >"$T/f.folded" || fail "collapse"
"$FLAMER" svg "$T/f.folded" >"$T/out.svg" || fail "flamer svg"
"$FLAMER" collapse -q "$T/rec" | "$FLAMER" svg --colors erlang >"$T/erl.svg" || fail "collapse | svg --colors erlang"
cmp -s "$T/out.svg" "$T/erl.svg" || fail "--colors erlang differs from the default kind palette"
if command -v xmllint >/dev/null; then
	xmllint --noout "$T/out.svg" || fail "the SVG is not well-formed"
fi

# NAME HUE SATURATION LIGHTNESS for every frame box, from its fill.
svg_colors "$T/out.svg" >"$T/colors"
head -n 40 "$T/colors"

erl_re='^(myapp|fibm|init|erts_beamasm):[a-z_]+/[0-9]+$'
n=$(awk -F'\t' -v re="$erl_re" '$1 ~ re' "$T/colors" | wc -l)
[ "$n" -ge 6 ] || fail "only $n Erlang frame boxes in the SVG"
for f in myapp:main/1 myapp:loop/3 myapp:encode/1 fibm:fib/1; do
	grep -q "^$f	" "$T/colors" || fail "no box for $f"
done
# Every Erlang box is in the Erlang band.
bad=$(awk -F'\t' -v re="$erl_re" '$1 ~ re && !($2 >= 270 && $2 <= 315 && $3 >= 0.4 && $3 <= 0.7)' "$T/colors")
[ -z "$bad" ] || fail "Erlang frames outside the Erlang colours: $bad"
# ... and the C BIF and the JIT helper are not.
for f in term_to_binary_1 call_light_bif_shared; do
	line=$(grep -m1 "^$f	" "$T/colors") || fail "no box for $f"
	awk -F'\t' '{ exit !($2 >= 270 && $2 <= 315) }' <<<"$line" && fail "$f has an Erlang colour: $line"
done
exit 0
