# record --off-cpu -p on a process whose threads were blocked before the
# attach and never switch during the recording (samples/c/waiter.c -r -s:
# "reader" blocked in read() on a pipe nobody writes, the main thread in
# one long nanosleep, a spinner busy): the blocked threads have no
# switch-out to sample; flamer reads their stacks once at attach (docs/
# offcpu.md) and counts them off-CPU from the attach to the end.
# Checked: each blocked thread's stack, nothing else under it, and its
# off-CPU total close to the time the events were on (the spinner's wall
# time in the same recording); the spinner's off-CPU
# time is preemption only (never under a wait of the others).
. tests/e2e/e2elib.sh
need_sample waiter-nofp
is_root || skip "off-CPU recording needs kernel sampling (root)"
start_target waiter-nofp -d 60 -s -r
sleep 0.3 # the reader is in read() by now
RUN=2
record "$T/a.data" --off-cpu -p "$TPID" -d $RUN
cat "$T/a.data.err"
"$FLAMER" collapse --off-cpu --tid "$T/a.data" >"$T/off" 2>/dev/null || fail "collapse --off-cpu"
us() { samples_matching "$1" "$T/off"; }

# the window the events saw: the spinner's wall time (CPU samples and
# preemptions) from the start of sampling to the end; -d also counts the
# recorder's start-up (kallsyms, the attach-time reads: slower under ASan)
"$FLAMER" collapse --wall --tid "$T/a.data" >"$T/wall" 2>/dev/null || fail "collapse --wall"
win=$(samples_matching ';spinner;' "$T/wall")
reader=$(us "/[0-9]+;reader;__clone3;start_thread;reader;read_wait;read;.*vfs_read_\[k\];")
echo "reader blocked in read: $reader us off-CPU (recording: $RUN s; the spinner's wall time: $win us)"
ratio_between "$reader" "$win" 0.93 1.05
ratio_between "$reader" $((RUN * 1000000)) 0.75 1.02
[ "$(us ';reader;(.*;)?(spin_leaf|spinner|main_wait|nap);')" -eq 0 ] || fail "foreign frames under the reader"
main=$(us "^[^;]*-$TPID/$TPID;[^;]*;.*;main;main_wait;sleep_leaf;nap;.*nanosleep")
echo "main thread in nanosleep: $main us"
ratio_between "$main" "$win" 0.93 1.05
# each blocked thread is one interval: all of its time under one stack
[ "$(grep -c ';reader;' "$T/off")" -eq 1 ] || fail "the reader under several stacks: $(grep ';reader;' "$T/off")"
[ "$(us ';spinner;.*(read_wait|main_wait)')" -eq 0 ] || fail "waits under the spinner"
# the spinner kept running: CPU samples of spin_leaf
"$FLAMER" collapse "$T/a.data" >"$T/cpu"
[ "$(samples_matching ';spinner;spin_leaf' "$T/cpu")" -gt 50 ] || fail "too few spinner samples"
kill -0 "$TPID" || fail "the target died"
exit 0
