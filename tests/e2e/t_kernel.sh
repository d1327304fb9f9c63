# Kernel stacks (root): frames suffixed _[k] above the syscall-heavy
# function; --no-kernel records none.
. tests/e2e/e2elib.sh
need_sample tree-fp
is_root || skip "kernel stacks need root (or perf_event_paranoid <= 1)"

record "$T/k.data" -- "$SAMPLES/tree-fp" -d 2 -s
fold "$T/k.data"
f="$T/k.data.folded"
need_samples "$f" ';sys_thread;syscall_heavy;' 40
# of the samples in syscall_heavy, most are in the kernel, below write()
need_samples "$f" ';syscall_heavy;([^;]*;)*[^;]*_\[k\][; ]' 20
# kernel frames never come before a user frame
expect_no_grep '_\[k\];[^ ;]*[^]];' "$f"
expect_no_grep '_\[k\];[^ ;]*[^]] [0-9]+$' "$f"

record "$T/nok.data" --no-kernel -- "$SAMPLES/tree-fp" -d 2 -s
fold "$T/nok.data"
need_samples "$T/nok.data.folded" ';sys_thread;syscall_heavy;' 20
expect_no_grep '_\[k\]' "$T/nok.data.folded"
