# A target in another mount namespace (issue 12 point 2): inside
# `unshare --mount`, another program is bind-mounted over the path of the
# one the host has there.  Its code must be named from the file it runs
# (opened through /proc/PID/root), never from the host's file at the same
# path: not one of the host program's function names may appear.
. tests/e2e/e2elib.sh
need_sample deep-nofp tree-fp
[ "$(id -u)" = 0 ] || skip "needs root (unshare --mount, mount --bind)"
command -v unshare >/dev/null || skip "no unshare"
unshare --mount true 2>/dev/null || skip "unshare --mount not permitted here"
host_names='(^|;)(outer|left|right|leaf_a|leaf_b|spin|child_main|child_leaf)(;| )'

cp "$SAMPLES/tree-fp" "$T/prog"     # what the host sees at $T/prog
cp "$SAMPLES/deep-nofp" "$T/other"  # what the namespace runs there

# attached by pid from the host
unshare --mount --propagation private sh -c \
	"mount --bind '$T/other' '$T/prog' && exec '$T/prog' -d 4 -p '$T/ns.pid'" \
	>"$T/ns.out" 2>&1 &
E2E_PIDS="$E2E_PIDS $!"
wait_file "$T/ns.pid"
TPID=$(cat "$T/ns.pid")
E2E_PIDS="$E2E_PIDS $TPID"
record "$T/pid.data" -p "$TPID" -d 1.5
fold "$T/pid.data"
f="$T/pid.data.folded"
need_samples "$f" "${MAIN}(recurse;)+deep_leaf[; ]" 100
expect_no_grep "$host_names" "$f"

# launched: the exec inside the namespace is followed (the recording
# ends while the program still runs: its files can only be opened while
# it lives, and a slow recorder, e.g. under ASan, may be seconds behind)
record "$T/launch.data" -d 2 -- unshare --mount --propagation private sh -c \
	"mount --bind '$T/other' '$T/prog' && exec '$T/prog' -d 6"
fold "$T/launch.data"
f="$T/launch.data.folded"
need_samples "$f" "${MAIN}(recurse;)+deep_leaf[; ]" 100
expect_no_grep "$host_names" "$f"
