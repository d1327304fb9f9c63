# The recording is self-contained: after the target's binary is deleted,
# collapse still names every function.
. tests/e2e/e2elib.sh
need_sample tree-nofp

cp "$SAMPLES/tree-nofp" "$T/selfc"
record "$T/sc.data" -- "$T/selfc" -d 2
rm -f "$T/selfc"
fold "$T/sc.data"
tree_checks "$T/sc.data.folded"
expect_grep '^selfc;' "$T/sc.data.folded"
