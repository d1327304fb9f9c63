# When the stack copy is too small to reach the root, a sample keeps what
# was unwound and ends in [truncated] instead of inventing frames
# (samples/c/deep.c: 20 frames of about 150 bytes each).
. tests/e2e/e2elib.sh
need_sample deep-nofp

# the default copy (8 KiB) holds the whole stack
record "$T/full.data" -- "$SAMPLES/deep-nofp" -d 2
fold "$T/full.data"
f="$T/full.data.folded"
chain_share "$f" ';deep_leaf[; ]' "${MAIN}$(printf 'recurse;%.0s' $(seq 20))deep_leaf[; ]" 95 100
# no stack from main on is marked (seen: 1 in ~2,000 before the fix)
expect_no_grep '\[truncated\];(.*;)?(__libc_start_call_main|main|recurse|deep_leaf|elapsed)[; ]' "$f"
# Before main, a cut can be real: a sample taken while the kernel grows
# the stack (a page fault on the page at sp) comes with no stack copy at
# all (the kernel cannot copy a page that is not there), and the crti
# _init has neither CFI nor a frame pointer.  Seen: at most 1 per run.
n=$(samples_matching '\[truncated\]' "$f")
[ "$n" -le 2 ] || fail "$n samples [truncated] with the default copy: $(grep -F '[truncated]' "$f" | head -5)"

# 256 bytes hold two or three frames.  The walk goes on from the live
# stack while the copy's top still equals it (docs/record.md, "Deep
# frames"), or stops there marked [truncated]: either way never a wrong
# frame -- main is reached only through the 20 recursions.
record "$T/cut.data" --stack-size 256 -- "$SAMPLES/deep-nofp" -d 2
fold "$T/cut.data"
f="$T/cut.data.folded"
full="${MAIN}$(printf 'recurse;%.0s' $(seq 20))deep_leaf[; ]"
chain_share "$f" ';deep_leaf[; ]' "($full|^deep-nofp;\[truncated\];(recurse;)+deep_leaf[; ])" 95 100
expect_no_grep '^' <(grep ';main;.*deep_leaf' "$f" | grep -Ev "$full")
