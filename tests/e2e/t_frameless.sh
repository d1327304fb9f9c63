# A frameless leaf keeps its caller.  mix_leaf (libmix.so, built without
# frame pointers) is called from leaf_caller and mix_cb, which have them.
# A frame-pointer walk started in mix_leaf skips its caller (perf -g's
# problem; checked first so the test shows the difference), the default
# auto mode does not.
. tests/e2e/e2elib.sh
need_sample mixed-fp

record "$T/fp.data" --unwind fp -- "$SAMPLES/mixed-fp" -d 2
fold "$T/fp.data"
f="$T/fp.data.folded"
leaf=$(samples_matching ';mix_leaf[; ]' "$f")
kept=$(samples_matching ';(leaf_caller|mix_cb);mix_leaf[; ]' "$f")
[ "$leaf" -ge 100 ] || fail "only $leaf samples in mix_leaf with --unwind fp: $(top_stacks "$f")"
[ "$((kept * 2))" -lt "$leaf" ] ||
	fail "--unwind fp kept mix_leaf's caller in $kept of $leaf samples: is libmix.so built with frame pointers?"

record "$T/auto.data" -- "$SAMPLES/mixed-fp" -d 2
fold "$T/auto.data"
f="$T/auto.data.folded"
need_samples "$f" "${MAIN}leaf_caller;mix_leaf[; ]" 30
chain_share "$f" ';mix_leaf[; ]' ';(leaf_caller|mix_cb);mix_leaf[; ]' 95 100
