# flamer dump of a C program with one thread asleep and one computing
# (samples/c/waiter.c): both stacks are the true ones, in order, leaf
# first, and nothing of one thread's code shows in the other's; the
# sleeping thread is read without stopping it (CFI build) or under a
# short stop (frame-pointer build, whose rbp-based frames do not unwind
# from pc and sp alone); the target keeps running.  Also: the thread
# states, kernel frames as root, the unprivileged path, bad input.
. tests/e2e/e2elib.sh
need_sample waiter-nofp waiter-fp

# block TID FILE: the frame lines of thread TID (leaf first), one a line
block() {
	awk -v t="$1" '/^Thread /{ on = ($2 == t) ; next } on && /^    /{ sub(/^    /, ""); print }' "$2"
}
# in_order FILE NAME... : the names are consecutive lines of FILE, in order
in_order() {
	local f=$1; shift
	awk -v want="$*" 'BEGIN { n = split(want, w, " ") }
		{ l[NR] = $0 } END {
		for (i = 1; i + n - 1 <= NR; i++) {
			ok = 1
			for (j = 1; j <= n; j++) if (l[i + j - 1] != w[j]) { ok = 0; break }
			if (ok) exit 0
		}
		exit 1 }' "$f" || fail "frames '$*' not consecutive in: $(tr '\n' ';' <"$f")"
}
utime() { awk '{ sub(/.*\) /, ""); print $12 }' "/proc/$1/task/$2/stat"; }

for build in nofp fp; do
	start_target "waiter-$build" -d 30 -s
	main=$TPID
	spin=$(awk '$2 == "spinner" { print $1 }' <(for t in /proc/$main/task/*; do echo "${t##*/} $(cat "$t/comm")"; done))
	[ -n "$spin" ] || fail "no spinner thread in $main"
	sleep 0.3
	"$FLAMER" dump -p "$main" >"$T/d.$build" 2>"$T/d.$build.err" ||
		fail "dump of waiter-$build exited $?: $(cat "$T/d.$build.err")"
	u0=$(utime "$main" "$spin")
	expect_grep "^Process $main \"waiter-$build\": 2 threads" "$T/d.$build"
	expect_grep "^Thread $main \"waiter-$build\": sleeping in (clock_)?nanosleep" "$T/d.$build"
	expect_grep "^Thread $spin \"spinner\": running, stopped [0-9]+ us to read \(" "$T/d.$build"
	block "$main" "$T/d.$build" >"$T/main.$build"
	block "$spin" "$T/d.$build" >"$T/spin.$build"
	in_order "$T/main.$build" nap sleep_leaf main_wait main
	expect_no_grep 'spin|\[truncated\]' "$T/main.$build"
	expect_grep '^_start$' "$T/main.$build"
	# a running thread can be anywhere in its loop, but always under spinner
	in_order "$T/spin.$build" spinner start_thread
	expect_no_grep 'sleep_leaf|main_wait|^main$|\[truncated\]' "$T/spin.$build"
	head -1 "$T/spin.$build" | grep -Eq '^(spin_leaf|spinner)$' ||
		fail "spinner's leaf is $(head -1 "$T/spin.$build")"
	if [ "$build" = nofp ]; then
		expect_grep "^Thread $main .*read without stopping it" "$T/d.$build"
	else
		expect_grep "^Thread $main .*stopped [0-9]+ us to read" "$T/d.$build"
	fi
	if is_root; then
		# kernel frames first, then the libc wrapper and the program
		head -1 "$T/main.$build" | grep -q ' \[kernel\]$' ||
			fail "no kernel frame at the leaf of the sleeping thread"
		expect_no_grep '\[kernel\]' "$T/spin.$build"
	fi
	# the target kept running: the spinner keeps computing, both live
	sleep 1
	u1=$(utime "$main" "$spin")
	[ $((u1 - u0)) -ge 20 ] || fail "spinner ran only $((u1 - u0)) ticks in the second after dump"
	grep -q '^State:.S' "/proc/$main/status" || fail "main thread no longer sleeping: $(grep State "/proc/$main/status")"
	kill "$main"
done

# the whole dump is quick (well under a second)
start_target waiter-nofp -d 30 -s -w 5 -z 5
s=$(date +%s%N)
"$FLAMER" dump -p "$TPID" >"$T/q" 2>&1 || fail "dump exited $?"
e=$(date +%s%N)
echo "dump of 3 threads: $(((e - s) / 1000000)) ms"
expect_grep '^Thread [0-9]+ "mixed": ' "$T/q"

# bad input
expect_exit 2 "$FLAMER" dump
expect_exit 2 "$FLAMER" dump -p 12x
expect_exit 2 "$FLAMER" dump -p 4194303
expect_grep '^flamer: pid 4194303: no such process' "$T/stderr"
expect_exit 2 "$FLAMER" dump -p 1 extra
expect_exit 0 "$FLAMER" dump --help
expect_grep 'stopped \(ptrace\) only while' "$T/stdout"

# unprivileged: a user dumps its own process; kernel stacks need root
if is_root && id nobody >/dev/null 2>&1; then
	NB="setpriv --reuid=nobody --regid=nogroup --clear-groups"
	$NB "$SAMPLES/waiter-nofp" -d 30 >/dev/null 2>&1 &
	np=$!
	E2E_PIDS="$E2E_PIDS $np"
	sleep 0.3
	$NB "$FLAMER" dump -p "$np" >"$T/nb" 2>"$T/nb.err" || fail "nobody's dump exited $?: $(cat "$T/nb.err")"
	block "$np" "$T/nb" >"$T/nb.main"
	in_order "$T/nb.main" nap sleep_leaf main_wait main
	expect_no_grep '\[kernel\]' "$T/nb.main"
	expect_grep 'kernel stacks not shown: .*needs root' "$T/nb.err"
	# and not someone else's process
	$NB "$FLAMER" dump -p "$main" >/dev/null 2>"$T/nb2.err"
	rc=$?
	[ "$rc" -ne 0 ] || fail "nobody could dump root's process"
fi
exit 0
