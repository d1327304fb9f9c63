# record --off-cpu on an Erlang VM (samples/erlang/sleeper.erl, one
# scheduler that sleeps at once when idle: +S 1 +sbwt none): an Erlang
# process alternates ~10 ms of work (sleeper:work/1) and 30 ms of sleep
# (receive after 30) and prints its own running totals after each.
# Checked, on the scheduler thread: its time blocked idle (epoll_wait or
# futex) is the process's sleep: the rest's share of its wall time
# matches the work share the process measured over the same window
# (±0.06 absolute; the window's edges are known to a print, 40 ms apart,
# and the recorder's start-up); most of that rest is under
# sleeper:work/1 (CPU samples and preemptions; ERTS's own scheduling
# between reductions is under erts_schedule); no idle wait has an
# Erlang frame under it (a sleeping Erlang process is on no stack: a
# frame of it there would be a lie).  Spread of the share difference on
# 10 runs of a loaded 2-core VM: -0.01 to +0.02.
. tests/beam/beamlib.sh
beam_require_erl
is_root || skip "off-CPU recording needs kernel sampling (root)"
export ERL_FLAGS="+S 1 +sbwt none +sbwtdcpu none +sbwtdio none"
beam_start sleeper 40
sleep 2
before=$(grep -c '^sleeper work_us' "$T/vm.log")
"$FLAMER" record --off-cpu -F 499 -p "$BEAM_PID" -d 4 -o "$T/rec" 2>"$T/rec.err" ||
	fail "record --off-cpu exited $?: $(cat "$T/rec.err")"
after=$(grep -c '^sleeper work_us' "$T/vm.log")
cat "$T/rec.err"
"$FLAMER" collapse --wall --tid "$T/rec" >"$T/wall" 2>/dev/null || fail "collapse --wall"
root=$(grep ';1_scheduler;' "$T/wall" | head -1 | cut -d';' -f1)
[ -n "$root" ] || fail "no 1_scheduler thread: $(cut -d';' -f1,2 "$T/wall" | sort -u | head)"
grep "^$root;" "$T/wall" >"$T/sched"
# the truth: the process's totals printed at the start and the end
read -r w0 s0 < <(grep '^sleeper work_us' "$T/vm.log" | sed -n "${before}p" | awk '{ print $3, $5 }')
read -r w1 s1 < <(grep '^sleeper work_us' "$T/vm.log" | sed -n "${after}p" | awk '{ print $3, $5 }')
[ -n "$w1" ] && [ "$after" -gt "$before" ] || fail "sleeper printed nothing during the recording: $(tail -3 "$T/vm.log")"
read -r total work idle bad < <(awk '{ n = $NF; $NF = ""; t += n
	if ($0 ~ /;sleeper:work\/1;/) w += n
	else if ($0 ~ /\[off-cpu\]/ && $0 ~ /;sleeper:/ && $0 ~ /(epoll_wait|ethr_event_wait|futex_wait|schedule_hrtimeout)/) b += n
	else if ($0 ~ /;(epoll_wait|ethr_event_wait);.*(schedule_hrtimeout|futex_wait)[^;]*;schedule_\[k\];\[off-cpu\]/) o += n }
	END { printf "%d %d %d %d\n", t, w, o, b }' "$T/sched")
echo "scheduler $root: $total us, $work us under sleeper:work/1, $idle us blocked idle ($bad us of idle waits under Erlang frames)"
# blocked idle while, and only while, the process sleeps: the rest of the
# thread's time is the process's work and ERTS's scheduling around it
awk -v i="$idle" -v t="$total" -v dw=$((w1 - w0)) -v ds=$((s1 - s0)) 'BEGIN {
	f = 1 - i / t; m = dw / (dw + ds)
	printf "share not blocked idle: flamer %.3f; work share measured by the process %.3f\n", f, m
	exit !(f > m - 0.06 && f < m + 0.06) }' || fail "the scheduler's idle time does not match the process's sleep"
# most of the non-idle time is under the Erlang function that works
[ "$work" -gt $(((total - idle) / 2)) ] || fail "less than half the busy time under sleeper:work/1: $(show_top "$T/sched")"
# a sleeping process is on no stack: an idle wait under its frames would
# be a lie (preemptions of running Erlang code keep their frames)
[ "$bad" -eq 0 ] || fail "idle waits under Erlang frames: $(grep '\[off-cpu\]' "$T/sched" | grep ';sleeper:' | grep -E 'epoll_wait|futex' | head -3)"
exit 0
