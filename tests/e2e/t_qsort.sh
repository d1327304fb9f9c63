# A comparator called by glibc's qsort (Debian's libc has no frame
# pointers; its qsort tail-calls qsort_r): in auto and dwarf mode its
# samples read main;sorter;qsort...;compare.
. tests/e2e/e2elib.sh
need_sample tree-nofp

for mode in auto dwarf; do
	record "$T/$mode.data" --unwind "$mode" -- "$SAMPLES/tree-nofp" -d 2.5 -q
	fold "$T/$mode.data"
	f="$T/$mode.data.folded"
	chain_share "$f" ';compare[; ]' "${MAIN}sorter;(qsort|qsort_r);([^;]*;)*compare[; ]" 95 50
done
