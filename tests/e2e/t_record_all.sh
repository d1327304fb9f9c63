# record -a: every process, including one started after the recording
# began (samples/c/waiter.c: a spinner thread and a main thread asleep):
# its samples carry its own name and pid, its own symbols and its
# thread's frames, and nothing of it shows under another name.  With
# --off-cpu: its main thread's sleep, which started after the recording
# did.  Usage and permission errors.
. tests/e2e/e2elib.sh
need_sample waiter-nofp
is_root || skip "system-wide sampling needs root"
# the waiter starts 1 s after the recorder, which records from ~0.25 s
# (0.35 s under ASan); its sleep must begin inside the recording
# (fresh-clone run 25: a BPF program that took 1 s to load made it begin
# before, and 0 us of it was recorded; t_bpf_load.sh guards that load)
( sleep 1; exec "$SAMPLES/waiter-nofp" -d 1.5 -s -p "$T/w.pid" >"$T/w.out" ) &
E2E_PIDS="$E2E_PIDS $!"
# every switch's stack (--off-cpu-every 1): under the default bound the
# machine's switch rate decides whether the one switch into the sleep
# has its stack (otherwise its time is under "[off-cpu: stack not
# sampled]"), and this test checks -a, not the bound (t_offcpu_sampled)
"$FLAMER" record -a --off-cpu --off-cpu-every 1 -d 3.5 -F 199 -o "$T/all.data" >/dev/null 2>"$T/all.err" ||
	fail "record -a exited $?: $(cat "$T/all.err")"
wpid=$(cat "$T/w.pid") || fail "waiter did not start"
"$FLAMER" collapse --pid "$T/all.data" >"$T/cpu" || fail "collapse"
"$FLAMER" collapse --pid --off-cpu "$T/all.data" >"$T/off" || fail "collapse --off-cpu"
n=$(samples_matching "^waiter-nofp-$wpid;__clone3;start_thread;spinner;spin_leaf[; ]" "$T/cpu")
echo "spinner samples of waiter-nofp-$wpid: $n (1.5 s at 199 Hz: at most ~300)"
[ "$n" -ge 60 ] || fail "only $n spinner samples: $(grep waiter "$T/cpu" | head -3)"
# its code under no other process's name
[ "$(samples_matching '^([^w]|w[^a]|wa[^i])[^;]*;.*(spin_leaf|main_wait)' "$T/cpu")" -eq 0 ] ||
	fail "waiter's functions under another process: $(grep -E 'spin_leaf|main_wait' "$T/cpu" | grep -v '^waiter' | head -3)"
# the main thread's 1.5 s sleep, which began after the recording did
off=$(samples_matching "^waiter-nofp-$wpid;.*;main;main_wait;sleep_leaf;nap;" "$T/off")
truth=$(awk '/^main_wait_us/ { print $2 }' "$T/w.out")
echo "main thread asleep: $off us (measured by the thread: $truth us)"
[ -n "$truth" ] || fail "waiter did not report its wait: $(cat "$T/w.out")"
ratio_between "$off" "$truth" 0.97 1.03
# an exiting thread's last switch (into do_task_dead) is no wait
[ "$(samples_matching 'do_task_dead' "$T/off")" -eq 0 ] || fail "off-CPU time in do_task_dead: $(grep do_task_dead "$T/off" | head -2)"
# the recorder does not record itself
expect_no_grep "^flamer-$$;" "$T/cpu"

expect_exit 2 "$FLAMER" record -a -p 1 -d 1
expect_exit 2 "$FLAMER" record -a -d 1 -- true
if id nobody >/dev/null 2>&1 && [ "$(cat /proc/sys/kernel/perf_event_paranoid)" -ge 1 ]; then
	chmod 777 "$T"; cp "$FLAMER" "$T/flamer"; chmod 755 "$T/flamer"
	(cd "$T" && setpriv --reuid=nobody --regid=nogroup --clear-groups ./flamer record -a -d 0.5 -o "$T/nb.data") >/dev/null 2>"$T/nb.err"
	rc=$?
	[ "$rc" -eq 4 ] || fail "unprivileged -a exited $rc: $(cat "$T/nb.err")"
	expect_grep '^flamer: -a: system-wide sampling not permitted' "$T/nb.err"
fi
exit 0
