# record --off-cpu's default bound (docs/offcpu.md, "Cost: sampling the
# switches") on samples/c/switchmix.c, whose waits are known by
# construction: one thread asks another over a pipe ~25,000 times a
# second and blocks for each answer; 1 request in 4 (a fixed
# pseudo-random sequence) is slow (100 us sleep before the answer).  The
# asker measures its time in each read() itself.  The kernel takes only a
# fraction of the switch-out stacks; every interval is still measured,
# and the time of those without a stack is shared among the sampled
# stacks of the same thread.  Checked: sampling was active (most
# intervals without a stack), the slow waits' estimated total matches
# what the asker measured (tolerance from the spread of 10 runs on a
# loaded 2-core VM: 0.82-1.08), no stack under the wrong wait, and the
# asker's total is still its wall time (the per-thread totals are exact).
. tests/e2e/e2elib.sh
need_sample switchmix-nofp
is_root || skip "off-CPU recording needs kernel sampling (root)"
RUN=4
attempt=0
while :; do
	"$FLAMER" record --off-cpu -o "$T/o.data" -- "$SAMPLES/switchmix-nofp" -d $RUN >"$T/truth" 2>"$T/o.err" ||
		fail "record --off-cpu exited $?: $(cat "$T/o.err")"
	# a ring overflow drops the intervals open at that moment (by
	# design): the totals cannot be judged then; record again
	grep -q ' lost' "$T/o.err" && ! grep -q ' 0 lost' "$T/o.err" && [ $((attempt += 1)) -lt 3 ] && continue
	break
done
cat "$T/o.err"
"$FLAMER" collapse --off-cpu --tid "$T/o.data" >"$T/off" 2>/dev/null || fail "collapse --off-cpu"
"$FLAMER" collapse --wall --tid "$T/o.data" >"$T/wall" 2>/dev/null || fail "collapse --wall"
us() { samples_matching "$1" "$2"; }

read -r n nos < <(sed -n 's/.*off-CPU: \([0-9]*\) intervals (\([0-9]*\) without a stack).*/\1 \2/p' "$T/o.err")
[ -n "$nos" ] || fail "no off-CPU summary: $(cat "$T/o.err")"
echo "intervals: $n, $nos without a stack"
# the bound was in force: most switch-outs had no stack taken
[ "$nos" -gt $((n / 2)) ] || fail "only $nos of $n intervals without a stack: the switches were not sampled"

slow=$(us ';ask_slow;wait_slow;read;' "$T/off")
tslow=$(awk '/^slow_us/ { print $2 }' "$T/truth")
[ -n "$tslow" ] || fail "switchmix printed nothing: $(cat "$T/truth")"
echo "slow waits: flamer $slow us, measured by the asker $tslow us"
ratio_between "$slow" "$tslow" 0.75 1.25
# by construction slow waits dominate the asker's waiting in read
fast=$(us ';ask_fast;wait_fast;read;' "$T/off")
echo "fast waits: flamer $fast us, measured $(awk '/^fast_us/ { print $2 }' "$T/truth") us"
[ "$fast" -gt 0 ] || fail "no off-CPU time under wait_fast"
[ "$(us ';(ask_fast;wait_slow|ask_slow;wait_fast);' "$T/off")" -eq 0 ] || fail "a wait under the wrong caller"

# per thread, the asker (main thread) lived the whole run: its off-CPU
# time is exact, its CPU time is sampled, and at 20,000 switches a second
# the kernel's cpu-clock also counts part of each switch that the switch
# records put off-CPU (perf's own cpu-clock samples and switch records
# overlap the same way): the total exceeds the run by 1-4 us per switch,
# 2-7 % here (16 runs on one machine, 1.02-1.07; docs/offcpu.md)
pid=$(head -1 "$T/off" | sed 's/^[^;]*-\([0-9]*\)\/.*/\1/')
total=$(us "^[^;]*-$pid/$pid;" "$T/wall")
echo "asker's wall total: $total us (run $RUN s)"
ratio_between "$total" $((RUN * 1000000)) 0.97 1.12
exit 0
