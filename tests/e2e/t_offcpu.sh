# record --off-cpu on samples/c/waiter.c, whose waits are known by
# construction (launched, 3 s):
# - the main thread sleeps the whole run under main_wait: its off-CPU
#   total is the run's length;
# - the "mixed" thread alternates 10 ms of work (mixed_work) and 30 ms of
#   sleep (mixed_sleep) and measures the wall time of each phase itself
#   (on a loaded machine a work phase lasts longer than 10 ms: the thread
#   also waits for a CPU): flamer's --wall split matches, and its total is
#   the thread's wall time;
# - two "locker" threads contend on one mutex, each holding it 10 ms, and
#   measure their time in pthread_mutex_lock: flamer's time under
#   lock_wait matches, through the kernel's futex wait;
# and no off-CPU stack holds another code path's frames.
. tests/e2e/e2elib.sh
need_sample waiter-nofp
is_root || skip "off-CPU recording needs kernel sampling (root)"
RUN=3
"$FLAMER" record --off-cpu -F 999 -o "$T/o.data" -- "$SAMPLES/waiter-nofp" -d $RUN -w 10 -z 30 -l >"$T/truth" 2>"$T/o.err" ||
	fail "record --off-cpu exited $?: $(cat "$T/o.err")"
"$FLAMER" collapse --off-cpu --tid "$T/o.data" >"$T/off" 2>"$T/off.err" || fail "collapse --off-cpu: $(cat "$T/off.err")"
"$FLAMER" collapse --wall --tid "$T/o.data" >"$T/wall" 2>"$T/wall.err" || fail "collapse --wall: $(cat "$T/wall.err")"
"$FLAMER" collapse --tid "$T/o.data" >"$T/cpu" || fail "collapse"
us() { samples_matching "$1" "$2"; }

# every off-CPU stack ends in [off-cpu], none does in the CPU profile
[ "$(grep -vc ';\[off-cpu\] [0-9]*$' "$T/off")" -eq 0 ] || fail "off-CPU stacks without the marker: $(grep -v '\[off-cpu\] ' "$T/off" | head -3)"
expect_no_grep '\[off-cpu\]' "$T/cpu"

# main thread: blocked the whole run (its switch-in at the end included)
main_off=$(us ';main_wait;sleep_leaf;nap;' "$T/off")
tmain=$(awk '/^main_wait_us/ { print $2 }' "$T/truth")
echo "main thread off-CPU under main_wait: $main_off us (run $RUN s; measured by the thread: $tmain us)"
ratio_between "$main_off" "$tmain" 0.97 1.03
# nothing but sleeping under main_wait
[ "$(us ';main_wait;(.*;)?(spin_leaf|spinner|mixed|mixed_work|mixed_sleep|locker|lock_wait|lock_work|burn_until);' "$T/off")" -eq 0 ] || fail "foreign frames under main_wait"

# the mixed thread: 25 % work, 75 % sleep, in wall time
work=$(us ';mixed;mixed_work;' "$T/wall")
sleep_=$(us ';mixed;mixed_sleep;' "$T/wall")
total=$(us ';mixed;' "$T/wall")
read -r twork tsleep < <(awk '/^mixed /{ print $3, $5 }' "$T/truth")
[ -n "$tsleep" ] || fail "waiter printed no phase times: $(cat "$T/truth")"
echo "mixed thread wall: work $work us (measured by the thread: $twork), sleep $sleep_ us ($tsleep), total $total us"
ratio_between "$work" "$twork" 0.90 1.10
ratio_between "$sleep_" "$tsleep" 0.97 1.03
ratio_between "$total" $((RUN * 1000000)) 0.90 1.07
# sleep intervals are under mixed_sleep -> nanosleep, never under work
[ "$(us ';mixed_sleep;.*(burn_until|mixed_work)' "$T/off")" -eq 0 ] || fail "work frames above mixed_sleep"
[ "$(us ';mixed_sleep;nap;[^ ]*clock_nanosleep;[^ ]*_\[k\];' "$T/off")" -gt 0 ] || fail "no kernel frames above clock_nanosleep"
[ "$(us ';mixed_work;[^ ]*(nanosleep|lock_wait)' "$T/off")" -eq 0 ] || fail "sleep frames under mixed_work"

# lock contention: waiting in pthread_mutex_lock -> futex, for a good
# share of the lockers' time (two threads, one lock: about half each)
lw=$(us ';locker;lock_wait;[^ ]*;.*futex' "$T/off")
lwall=$(us ';locker;lock_wait;' "$T/wall")
lt=$(us ';locker;' "$T/wall")
read -r twait ttotal < <(awk '/^locks /{ print $3, $5 }' "$T/truth")
echo "lockers: $lwall us in lock_wait ($lw us of it in futex waits; measured by the threads: $twait) of $lt us wall ($ttotal)"
ratio_between "$lwall" "$twait" 0.95 1.05
ratio_between "$lw" "$lwall" 0.80 1.0
ratio_between "$lt" "$ttotal" 0.90 1.10
[ "$(us ';lock_wait;.*(burn_until|lock_work)' "$T/off")" -eq 0 ] || fail "work frames under lock_wait"

# the count name: a graph of --wall says microseconds
"$FLAMER" svg "$T/wall" >"$T/wall.svg" 2>/dev/null || fail "svg of --wall"
grep -Eq '<title>all \([0-9,]+ microseconds, 100%\)' "$T/wall.svg" || fail "the SVG does not count microseconds"
# off-CPU-only frames in the io-blue band, frames with CPU time not
svg_colors "$T/wall.svg" >"$T/colors"
awk -F'\t' 'index($1, "[off-cpu] ") == 1 && ($2 < 214 || $2 > 242) { bad++ } index($1, "[off-cpu] ") == 1 { n++ }
	END { exit !(n > 0 && !bad) }' "$T/colors" || fail "[off-cpu] frames not blue: $(grep off-cpu "$T/colors" | head -3)"
awk -F'\t' 'index($1, "start_thread ") == 1 && $2 >= 214 && $2 <= 242 { bad++ } index($1, "start_thread ") == 1 { n++ }
	END { exit !(n > 0 && !bad) }' "$T/colors" || fail "start_thread (CPU and off-CPU time) coloured as off-CPU"

# speedscope: one timeline per thread in microseconds, each thread's
# total that of the folded output (--wall: CPU samples count a period)
for m in wall off-cpu; do
	"$FLAMER" collapse --$m --format speedscope "$T/o.data" >"$T/$m.json" 2>/dev/null || fail "collapse --$m --format speedscope"
	python3 tests/collapse/schema_check.py tests/collapse/speedscope-schema.json "$T/$m.json" >/dev/null ||
		fail "speedscope --$m: not valid for speedscope's schema"
	"$FLAMER" collapse --$m --tid "$T/o.data" | awk '{ split($1, a, ";"); t[a[1]] += $NF } END { for (k in t) print k, t[k] }' | sort >"$T/$m.totals"
	python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
for p in d["profiles"]:
    assert p["unit"] == "microseconds", p["unit"]
    assert p["endValue"] - p["startValue"] == sum(p["weights"])
    print(p["name"].split(" ")[0], sum(p["weights"]))
' "$T/$m.json" | sort >"$T/$m.sstotals" || fail "speedscope --$m: not microseconds or inconsistent"
	# equal but for rounding (1e6 / 999 us per CPU sample, rounded per
	# sample in speedscope, per stack in folded)
	join "$T/$m.totals" "$T/$m.sstotals" | awk '{ n++; d = $2 - $3; if (d < 0) d = -d; if (d > 1 + $2 / 1000) bad++ } END { exit !(n > 0 && !bad) }' ||
		fail "speedscope --$m totals differ from folded: $(paste "$T/$m.totals" "$T/$m.sstotals" | head -5)"
	[ "$(wc -l <"$T/$m.totals")" -eq "$(wc -l <"$T/$m.sstotals")" ] || fail "speedscope --$m: not one profile per thread"
done
# pprof (off-CPU as a second profile type): t_offcpu_pprof.sh

# usage errors
expect_exit 2 "$FLAMER" collapse --off-cpu --wall "$T/o.data"
printf 'a;b 1\n' >"$T/x.folded"
expect_exit 1 "$FLAMER" collapse --off-cpu "$T/x.folded"
expect_grep 'only apply to flamer recordings' "$T/stderr"
"$FLAMER" record -o "$T/plain.data" -- "$SAMPLES/waiter-nofp" -d 0.3 -s >/dev/null 2>&1 || fail "plain record"
"$FLAMER" collapse --off-cpu "$T/plain.data" >/dev/null 2>"$T/p.err"
expect_grep 'no off-CPU intervals: recorded without --off-cpu' "$T/p.err"

# not permitted: says so, exit 4
if id nobody >/dev/null 2>&1 && [ "$(cat /proc/sys/kernel/perf_event_paranoid)" -ge 2 ]; then
	chmod 777 "$T"
	cp "$FLAMER" "$T/flamer"; cp "$SAMPLES/waiter-nofp" "$T/w"
	chmod 755 "$T/flamer" "$T/w"
	(cd "$T" && setpriv --reuid=nobody --regid=nogroup --clear-groups ./flamer record --off-cpu -o "$T/nb.data" -- ./w -d 0.3) >/dev/null 2>"$T/nb.err"
	rc=$?
	[ "$rc" -eq 4 ] || fail "unprivileged --off-cpu exited $rc: $(cat "$T/nb.err")"
	expect_grep '^flamer: --off-cpu: needs kernel sampling' "$T/nb.err"
fi
exit 0
