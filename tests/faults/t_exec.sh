# t_exec.sh - the target execs (tree -x runs left() for half its time, then
# execs /bin/sleep): frames before the exec are tree's functions, frames
# after it come from sleep's address space (ld.so, libc, [sleep]), never
# tree's names on sleep's addresses; launched and attached.
. tests/faults/faultlib.sh
wl=$PWD/samples/bin/tree-fp
[ -x "$wl" ] || skip "build samples first (make samples)"
build_recdump
tree_names='(^|;)(main|outer|left|right|leaf_a|leaf_b|spin)(;|$)'
after_names='(^|;)(_dl_start|_dl_start_user|_dl_sysdep_start|dl_main|\[sleep\]|setlocale|nanosleep|clock_nanosleep)(;|$)'

check_exec() { # FOLDED WHAT
	local before after mixed
	before=$(awk -v re="$tree_names" '{ n = $NF; $NF = ""; if ($0 ~ re) s += n } END { print s + 0 }' "$1")
	after=$(samples_matching "$after_names" "$1")
	# a stack from after the exec holding one of tree's own names would be
	# sleep's addresses symbolised with tree's old address space
	mixed=$(awk -v a="$after_names" -v b='(^|;)(outer|left|right|leaf_a|leaf_b|spin)(;|$)' \
		'{ n = $NF; $NF = ""; if ($0 ~ a && $0 ~ b) print }' "$1")
	echo "$2: $before samples in tree, $after after the exec"
	[ "$before" -gt 20 ] || fail "$2: too few samples before the exec: $(head -5 "$1")"
	[ "$(samples_matching 'left;leaf_a;spin' "$1")" -gt 0 ] || fail "$2: tree's frames not named: $(head -5 "$1")"
	[ -z "$mixed" ] || fail "$2: frames from both sides of the exec in one stack: $mixed"
	[ "$after" -gt 0 ] || fail "$2: no sample named from sleep's side of the exec: $(cat "$1")"
}

# launched: sampling follows the command through its exec
expect_exit 0 timeout 30 "$FLAMER" record -F 4999 -o "$T/l.data" -- "$wl" -d 1 -x
cat "$T/stderr"
check_recording "$T/l.data" "$T/stderr"
expect_exit 0 "$FLAMER" collapse "$T/l.data"
check_exec "$T/stdout" launched

# attached: the recording goes on after the exec until sleep exits (the
# exec comes after 3 s: an ASan recorder on a loaded machine took more
# than 1.3 s to attach)
"$wl" -d 6 -x &
victim=$!
sleep 0.2
expect_exit 0 timeout 30 "$FLAMER" record -F 4999 -p $victim -o "$T/p.data"
# the recorder must stop when sleep exits, not at the exec: by now the
# target is gone (reaped by this shell) or a zombie
state=$(sed 's/.*) //' /proc/$victim/stat 2>/dev/null | cut -d' ' -f1)
cat "$T/stderr"
wait $victim
[ -z "$state" ] || [ "$state" = Z ] || fail "-p: the recorder stopped while the target was still running (state $state)"
check_recording "$T/p.data" "$T/stderr"
[ $(( $(field end_status "$T/dump") & 2 )) -ne 0 ] || fail "-p: END does not say the target exited"
expect_exit 0 "$FLAMER" collapse "$T/p.data"
before=$(samples_matching 'left;leaf_a;spin' "$T/stdout")
[ "$before" -gt 20 ] || fail "-p: tree's frames not named: $(head -5 "$T/stdout")"
echo "exec ok"
