# Code built with -O2 -fomit-frame-pointer: with --unwind dwarf and the
# default (auto), the full chain main;outer;left;leaf_a (or right;leaf_b)
# is in at least 95% of the leaves' samples, in the main thread and in
# other threads.
. tests/e2e/e2elib.sh
need_sample tree-nofp

for mode in dwarf auto; do
	record "$T/$mode.data" --unwind "$mode" -- "$SAMPLES/tree-nofp" -d 2.5
	fold "$T/$mode.data"
	tree_checks "$T/$mode.data.folded"
done

# two threads run outer(): the second starts in start_thread
record "$T/threads.data" --unwind dwarf -- "$SAMPLES/tree-nofp" -d 2.5 -t 2
fold "$T/threads.data"
f="$T/threads.data.folded"
tree_checks "$f" "($MAIN|(^|;)(__clone3;)?start_thread;outer_thread;)"
need_samples "$f" ';start_thread;outer_thread;outer;left;leaf_a[; ]' 100
