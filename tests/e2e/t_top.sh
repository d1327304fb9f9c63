# flamer top on samples/c/waiter.c (one thread spinning in spin_leaf, the
# main thread asleep): to a file, one plain snapshot per second until -d
# runs out, spin_leaf on top with nearly all the self share, the sleeping
# thread's functions never with a self share; in a pseudo-terminal, the
# table is redrawn in place (cursor home + clear).
. tests/e2e/e2elib.sh
need_sample waiter-nofp
is_root || skip "needs root (kernel sampling of another process)"
start_target waiter-nofp -d 30 -s
"$FLAMER" top -p "$TPID" -d 3.5 -n 8 >"$T/top.txt" 2>"$T/top.err" || fail "top exited $?: $(cat "$T/top.err")"
n=$(grep -c '^--- flamer top: pid ' "$T/top.txt")
[ "$n" -eq 4 ] || fail "expected 4 snapshots (1, 2, 3 s and the end), got $n: $(cat "$T/top.txt")"
expect_no_grep $'\033' "$T/top.txt"
# every snapshot: spin_leaf first, with >= 85 % self
awk '/^--- /{ getline; getline; split($0, f, " "); if (f[3] != "spin_leaf" || f[1] + 0 < 85) bad++ } END { exit bad > 0 }' "$T/top.txt" ||
	fail "spin_leaf is not on top in every snapshot: $(cat "$T/top.txt")"
# asleep all along: no CPU share at all
expect_no_grep ' (main_wait|sleep_leaf|nap)$' "$T/top.txt"

if command -v script >/dev/null; then
	script -qc "$FLAMER top -p $TPID -d 2.5 -n 5" /dev/null >"$T/pty.txt" 2>&1 || fail "top in a pty: $(cat "$T/pty.txt")"
	grep -q $'\033\\[H\033\\[2J' "$T/pty.txt" || fail "no redraw on a terminal: $(head -c 300 "$T/pty.txt" | od -c | head)"
	grep -q 'spin_leaf' "$T/pty.txt" || fail "no table on a terminal"
fi
expect_exit 2 "$FLAMER" top
expect_exit 2 "$FLAMER" top -p 1 -a
expect_exit 2 "$FLAMER" top -p 4194303 -d 1
exit 0
