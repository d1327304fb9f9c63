# t_record_deep.sh - deep Python stacks (samples/python/deep.py: 40
# recursive calls) under CPython 3.8-3.10, where every Python call is also
# a native _PyEval_EvalFrameDefault call: the default 8 KiB stack copy
# ends long before the native root, so the native stack holds fewer eval
# frames than there are Python frames.  The recorder must still merge
# (the eval frames it has are the leaf-most ones; the Python frames left
# over go at the root): most samples merged, not ambiguous, each stack
# with the whole Python chain <module>;main;recurse x41;leaf in order and
# the leaf's native frames above leaf.  (Before the fix 99 % of these
# samples were ambiguous.)  3.11+ runs Python calls in one eval frame:
# checked once too.
. tests/python/pyreclib.sh
ran=0
for v in 3.8.18 3.10.13 3.12.1; do
	py=/root/.pyenv/versions/$v/bin/python3
	[ -x "$py" ] || continue
	name=deep$v
	py_record "$name" -- "$py" "$PYDIR/deep.py" 1.5 40
	py_counts "$name"
	total=$((MERGED + AMBIG + INVALID))
	echo "$name: merged $MERGED, ambiguous $AMBIG, invalid $INVALID"
	py_fraction_ok "$MERGED" "$total" 80 "$name: merged Python stacks"
	py_frames "$T/$name.folded" >"$T/$name.py"
	withpy=$(samples_matching 'deep\.py\)' "$T/$name.py")
	# (mawk has no {41} interval)
	chain="^<module> \\([^;]*deep\\.py\\);main \\([^;]*\\);$(printf 'recurse \\([^;]*\\);%.0s' $(seq 41))leaf \\([^;]*deep\\.py\\) *\$"
	full=$(samples_matching "$chain" "$T/$name.py")
	py_fraction_ok "$full" "$withpy" 60 "$name: whole chain <module>;main;recurse x41;leaf"
	# Merged, not stacked on top: the Python leaf is followed only by
	# native (or kernel) frames, never by another Python frame's native
	# eval loop; and leaf's own callees appear above it.
	ontop=$(samples_matching ';_PyEval_EvalFrameDefault;([^;]*;)*<module> \(' "$T/$name.folded")
	[ $((ontop * 100)) -le $((withpy * 20)) ] || fail "$name: $ontop of $withpy stacks have Python frames on top of eval frames"
	ran=$((ran + 1))
done
[ "$ran" -gt 0 ] || skip "no pyenv CPython 3.8, 3.10 or 3.12 installed"
exit 0
