# t_perm.sh - permissions as an unprivileged user (nobody, via setpriv):
# profiling one's own launched command works with user stacks only and says
# so in one line; profiling root's process fails naming the cause and the
# remedy, exit 4; flamer refuses to run setuid (exit 4).
is_root || skip "needs root to switch to nobody"
command -v setpriv >/dev/null || skip "setpriv not installed"
id nobody >/dev/null 2>&1 || skip "no user nobody"
wl=$PWD/samples/bin/tree-fp
[ -x "$wl" ] || skip "build samples first (make samples)"
chmod 777 "$T"
cp "$FLAMER" "$T/flamer"
cp "$wl" "$T/tree"
chmod 755 "$T/flamer" "$T/tree"
as_nobody() { setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"; }
cd "$T" || fail "cd"
# an ASan-built flamer must not try to write its logs somewhere odd
export ASAN_OPTIONS=${ASAN_OPTIONS:-}:detect_leaks=0

# 1. own command: works, user stacks only, one note about kernel stacks
paranoid=$(cat /proc/sys/kernel/perf_event_paranoid)
expect_exit 0 timeout 30 setpriv --reuid=nobody --regid=nogroup --clear-groups \
	"$T/flamer" record -F 499 -o "$T/own.data" -- "$T/tree" -d 0.5
cat "$T/stderr"
if [ "$paranoid" -ge 2 ]; then
	[ "$(grep -c 'kernel' "$T/stderr")" -eq 1 ] || fail "expected one line about kernel stacks: $(cat "$T/stderr")"
	expect_grep '^flamer: .*kernel stacks.*user stacks only' "$T/stderr"
fi
expect_grep '^flamer: [0-9]+ samples' "$T/stderr"
[ "$(stat -c %U "$T/own.data")" = nobody ] || fail "recording not owned by nobody"
expect_exit 0 "$FLAMER" collapse "$T/own.data"
n=$(samples_matching 'outer;left;leaf_a' "$T/stdout")
[ "$n" -gt 0 ] || fail "no user stacks in nobody's recording: $(head -5 "$T/stdout")"
if [ "$paranoid" -ge 2 ]; then
	expect_no_grep '_\[k\]' "$T/stdout"
fi

# 2. root's process: refused, cause and remedy named, exit 4, no file left
"$wl" -d 20 &
victim=$!
trap 'kill $victim 2>/dev/null; rm -rf "$T"' EXIT
sleep 0.2
if [ "$paranoid" -ge 0 ]; then
	expect_exit 4 timeout 5 setpriv --reuid=nobody --regid=nogroup --clear-groups \
		"$T/flamer" record -p $victim -d 1 -o "$T/other.data"
	cat "$T/stderr"
	[ "$(wc -l <"$T/stderr")" -eq 1 ] || fail "expected one line: $(cat "$T/stderr")"
	expect_grep '^flamer: .*not permitted' "$T/stderr"
	expect_grep 'root' "$T/stderr"
	expect_grep 'CAP_PERFMON' "$T/stderr"
	expect_grep 'CAP_SYS_PTRACE' "$T/stderr"
	expect_grep 'perf_event_paranoid' "$T/stderr"
	[ ! -e "$T/other.data" ] || fail "a refused run left other.data"
	ls "$T" | grep -q 'other.data.tmp' && fail "a refused run left a temporary file"
fi
kill $victim 2>/dev/null
wait $victim 2>/dev/null

# 3. setuid: a copy owned by nobody with u+s, run by root -> euid != uid
mkdir "$T/suid"
cp "$FLAMER" "$T/suid/flamer"
chown nobody "$T/suid/flamer"
chmod 4755 "$T/suid/flamer"
if findmnt -n -o OPTIONS --target "$T/suid" | grep -qw nosuid; then
	echo "skip setuid part: $T is mounted nosuid"
else
	# LeakSanitizer cannot run in a setuid process (not dumpable) and
	# turns exit 4 into 1 at exit: check the exit code without it only
	want=4
	nm "$FLAMER" 2>/dev/null | grep -q __asan_ && want=
	timeout 5 "$T/suid/flamer" record -o "$T/suid.data" -- true >"$T/stdout" 2>"$T/stderr"
	rc=$?
	cat "$T/stderr"
	[ -z "$want" ] || [ $rc -eq "$want" ] || fail "setuid run exited $rc, expected 4"
	expect_grep '^flamer: .*refusing to run setuid' "$T/stderr"
	[ ! -e "$T/suid.data" ] || fail "setuid run wrote a recording"
fi
echo "permission checks ok"
