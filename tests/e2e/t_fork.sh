# A launched command's child process (fork) is followed: its own frames
# show up under the stack it inherited from main.
. tests/e2e/e2elib.sh
need_sample tree-fp

record "$T/fork.data" -- "$SAMPLES/tree-fp" -d 2.5 -f
fold "$T/fork.data"
f="$T/fork.data.folded"
need_samples "$f" "${MAIN}child_main;child_leaf[; ]" 100
need_samples "$f" "${MAIN}outer;left;leaf_a[; ]" 100
# with --pid the two processes get their own root frames
fold "$T/fork.data" --pid
n=$(cut -d';' -f1 "$T/fork.data.folded" | sort -u | grep -c '^tree-fp-[0-9]*$')
[ "$n" -ge 2 ] || fail "expected two tree-fp-PID roots with --pid, got $n: $(top_stacks "$T/fork.data.folded")"
