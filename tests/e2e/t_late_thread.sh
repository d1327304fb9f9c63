# A thread created after the recorder attached (-p) is sampled, with its
# own frames, and CFI unwinding works in threads (the -nofp build).
. tests/e2e/e2elib.sh
need_sample tree-nofp

start_target tree-nofp -d 30 -l 1500
record "$T/late.data" -p "$TPID" -d 3.5
fold "$T/late.data"
f="$T/late.data.folded"
need_samples "$f" ';late_thread;late_leaf[; ]' 50
chain_share "$f" ';late_leaf[; ]' '(^|;)(clone3;)?start_thread;late_thread;late_leaf[; ]' 95 50
# the main thread is still there, and the summary counts both threads
need_samples "$f" "${MAIN}outer;left;leaf_a[; ]" 50
expect_grep ' [2-9][0-9]* threads' "$T/late.data.err"
