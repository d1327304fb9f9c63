# Launching a command: the call tree of samples/c/tree.c in the expected
# order with its 3:1 split, with frame pointers (--unwind fp on the -fp
# build) and with the default unwinding (auto) on both builds.
. tests/e2e/e2elib.sh
need_sample tree-fp tree-nofp

record "$T/fp.data" --unwind fp -- "$SAMPLES/tree-fp" -d 2.5
fold "$T/fp.data"
tree_checks "$T/fp.data.folded" "$MAIN_FP"

record "$T/auto-fp.data" -- "$SAMPLES/tree-fp" -d 2.5
fold "$T/auto-fp.data"
tree_checks "$T/auto-fp.data.folded"

record "$T/auto-nofp.data" -- "$SAMPLES/tree-nofp" -d 2.5
fold "$T/auto-nofp.data"
tree_checks "$T/auto-nofp.data.folded"
expect_grep '^tree-nofp;' "$T/auto-nofp.data.folded"
