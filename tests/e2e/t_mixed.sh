# A program with frame pointers calling into a shared library without
# them (samples/c/mixed.c and libmix.so), and back: in auto and dwarf mode
# the full chains are in at least 95% of the hot leaf's samples.
. tests/e2e/e2elib.sh
need_sample mixed-fp
[ -f "$SAMPLES/libmix.so" ] || fail "$SAMPLES/libmix.so not built (run 'make samples')"

for mode in auto dwarf; do
	record "$T/$mode.data" --unwind "$mode" -- "$SAMPLES/mixed-fp" -d 2.5
	fold "$T/$mode.data"
	f="$T/$mode.data.folded"
	a="${MAIN}mix_outer;mix_walk;mix_cb;mix_leaf[; ]"
	b="${MAIN}leaf_caller;mix_leaf[; ]"
	need_samples "$f" "$a" 100
	need_samples "$f" "$b" 30
	chain_share "$f" ';mix_leaf[; ]' "${MAIN}(mix_outer;mix_walk;mix_cb|leaf_caller);mix_leaf[; ]" 95 130
	split_between "$f" "$a" "$b" 2.0 4.5
done
