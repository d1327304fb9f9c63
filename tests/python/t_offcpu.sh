# t_offcpu.sh - record --off-cpu of samples/python/waiter.py (launched):
# after 1 s, its main thread sleeps 2 s in time.sleep under main -> wait_outer ->
# wait_leaf while a thread computes.  The off-CPU time under wait_leaf is
# the 2 s, with the Python frames in order below the native sleep and
# kernel frames, and nothing of the computing thread's code above it.
# CPython 3.8, 3.11 (Debian) and 3.12 when installed.
. tests/python/pyreclib.sh
W=$PYDIR/waiter.py
ran=0
while read -r name py minor; do
	case $minor in 8|11|12) ;; *) continue ;; esac
	# (3.8-3.10 interleave native eval frames)
	chain='<module> \([^;]*waiter\.py\);([^;]*;)*main \([^;]*waiter\.py\);([^;]*;)*wait_outer \([^;]*waiter\.py\);([^;]*;)*wait_leaf \([^;]*waiter\.py\);'
	# an interval open when the kernel's ring overflowed is dropped, not
	# guessed (docs/offcpu.md): a run that lost records is recorded again
	# The sleep starts 1 s in (WAITER_SETTLE): Debian's 3.11 overflowed
	# the rings at start-up, while flamer read its layout from the -dbg
	# file, in about 1 run in 5 (2-43 records; in all three tries on a
	# fresh-clone run), and a sleep that began then was dropped with its
	# switch-out record.  That start-up loss is issue 13's (the -dbg file
	# is read on a thread since 2026-12-03); this test measures a sleep,
	# after it (0 lost in 10 runs so).
	for try in 1 2 3; do
		WAITER_SETTLE=1 "$FLAMER" record --off-cpu -F 499 -o "$T/$name.data" -- "$py" "$W" 2 >/dev/null 2>"$T/$name.err" ||
			fail "$name: record --off-cpu exited $?: $(cat "$T/$name.err")"
		grep -Eq '(^|[^0-9])[1-9][0-9]* lost' "$T/$name.err" || break
		echo "$name: try $try lost records: $(grep -E '[1-9][0-9]* lost' "$T/$name.err")"
	done
	# The ASan recorder reads Debian's python3.11 layout from its -dbg
	# file 2-3x slower, and its rings overflowed at start-up in all three
	# tries on two fresh-clone ASan runs (0 lost in the optimised build):
	# such a run cannot be judged (its open intervals are dropped), and
	# is said, not passed off as a result
	if sanitized && grep -Eq '(^|[^0-9])[1-9][0-9]* lost' "$T/$name.err"; then
		echo "$name: not judged: the ASan recorder lost records in 3 tries"
		continue
	fi
	"$FLAMER" collapse --off-cpu "$T/$name.data" >"$T/$name.off" || fail "$name: collapse --off-cpu"
	under=$(samples_matching "$chain" "$T/$name.off")
	slept=$(samples_matching "${chain}([^;]*;)*[^;]*(nanosleep|select)[^;]*;([^;]*;)*schedule_\\[k\\];\\[off-cpu\\]" "$T/$name.off")
	echo "$name: $under us off-CPU under wait_leaf, $slept us of it asleep in the kernel"
	# asleep in the kernel: the 2 s, plus the wait for a CPU once woken
	# (measured up to 72 ms with the machine loaded); the rest under
	# wait_leaf is waiting for the GIL on the way out of time.sleep (the
	# other thread holds it)
	ratio_between "$slept" 2000000 0.99 1.06
	ratio_between "$under" "$slept" 1.0 1.2
	[ "$(samples_matching 'wait_leaf[^;]*;(.*;)?compute' "$T/$name.off")" -eq 0 ] || fail "$name: compute frames above wait_leaf"
	[ "$(samples_matching 'compute_(leaf|outer)[^;]*;(.*;)?wait_' "$T/$name.off")" -eq 0 ] || fail "$name: wait frames above compute"
	ran=$((ran + 1))
done < <(py_targets)
[ "$ran" -gt 0 ] || skip "no CPython 3.8, 3.11 or 3.12 installed"
exit 0
