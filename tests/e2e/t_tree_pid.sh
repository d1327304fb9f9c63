# Attaching to a running process with -p: the call tree of samples/c/tree.c
# in the expected order with its 3:1 split, with --unwind fp on the -fp
# build and the default (auto) on both builds.
. tests/e2e/e2elib.sh
need_sample tree-fp tree-nofp

start_target tree-fp -d 30
record "$T/fp.data" --unwind fp -p "$TPID" -d 2.5
fold "$T/fp.data"
tree_checks "$T/fp.data.folded" "$MAIN_FP"

record "$T/auto-fp.data" -p "$TPID" -d 2.5
fold "$T/auto-fp.data"
tree_checks "$T/auto-fp.data.folded"
kill "$TPID"

start_target tree-nofp -d 30
record "$T/auto-nofp.data" -p "$TPID" -d 2.5
fold "$T/auto-nofp.data"
tree_checks "$T/auto-nofp.data.folded"
# the target keeps running after the recorder detaches
kill -0 "$TPID" || fail "the target died when the recorder detached"
