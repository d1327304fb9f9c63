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
# Deeper than the recorder keeps (STACK_MAX_PY_FRAMES, 1024): a recursion
# of 1100 on 3.8 and 3.12 keeps the leaf-most 1024 Python frames and
# marks the cut: [truncated] right under them, no <module> or main, the
# summary counts the cut stacks.
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
for v in 3.8.18 3.12.1; do
	py=/root/.pyenv/versions/$v/bin/python3
	[ -x "$py" ] || continue
	name=cut$v
	# the live walker's limit; BPF's (512 frames) is t_bpf_deep.sh's
	FLAMER_NO_BPF=1 py_record "$name" -- "$py" "$PYDIR/deep.py" 1.5 1100
	expect_grep '^flamer: [0-9]+ Python stacks were deeper than 1024 frames' "$T/$name.err"
	withpy=$(samples_matching 'leaf \([^;]*deep\.py\)' "$T/$name.folded")
	# the ASan recorder loses most of these samples (1,100 reads each):
	# 9-51 leaf samples measured in 18 ASan runs, 84-160 optimised
	minleaf=20
	sanitized && minleaf=5
	[ "$withpy" -ge "$minleaf" ] || fail "$name: only $withpy samples in leaf"
	# root first: the process name, [truncated], then Python frames
	# (and the native ones between them), 1023 recurse frames and leaf
	cut=$(awk '{ n = $NF; if ($0 !~ /leaf \([^;]*deep\.py\)/) next
		k = split($0, f, ";"); r = 0
		for (i = 1; i <= k; i++) r += f[i] ~ /^recurse \(/
		if (f[2] == "[truncated]" && r == 1023 && $0 !~ /(<module>|main) \(/) s += n }
		END { print s + 0 }' "$T/$name.folded")
	echo "$name: $cut of $withpy leaf samples cut after 1023 recurse frames"
	# the live walker reads 1,100 frames one at a time: the ASan one is
	# slower and more of its reads are torn or fail ([invalid]); measured
	# 73% (40 of 55) and 50% (7 of 14) on fresh-clone ASan runs, 91-100%
	# optimised.  ASan runs see 5-51 leaf samples: a floor must hold for
	# 14 of them (a wrong stack is the check below, not this one)
	want_cut=80
	sanitized && want_cut=30
	py_fraction_ok "$cut" "$withpy" "$want_cut" "$name: marked cut at 1024 Python frames"
	# never the root of a stack that holds leaf (1103 frames deep).  The
	# live walker follows 1,100 frames one read at a time while the
	# program returns from leaf and descends again; a frame freed under
	# it (reference count 0, its f_back now the free list's link) gave
	# chains such as <module>;main;recurse x 202;leaf: 0-2 of ~100 leaf
	# samples in 15 idle runs, 5 of 98 in a fresh-clone run, up to 4 of
	# 51 under ASan.  The walker now stops at such a frame ([invalid]):
	# 0 in 15 runs, 0 in 12 ASan runs.  Frames reused (live again) at
	# another depth are not caught by this: that is issue 13's late read,
	# which BPF fixes (t_bpf_deep: none); here it stays bounded
	bad=$(awk '/leaf \([^;]*deep\.py\)/ && /(<module>|main) \([^;]*deep\.py\)/ { s += $NF } END { print s + 0 }' "$T/$name.folded")
	echo "$name: $bad leaf samples with a torn chain (root beyond the limit)"
	[ $((bad * 100)) -le $((withpy * 5)) ] || fail "$name: $bad of $withpy leaf samples show the root beyond the limit (> 5 %)"
	ran=$((ran + 1))
done
[ "$ran" -gt 0 ] || skip "no pyenv CPython 3.8, 3.10 or 3.12 installed"
exit 0
