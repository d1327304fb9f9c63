# t_usage.sh - usage errors: one line on stderr starting "flamer: ", the
# documented exit code, no output file left behind, and quickly (each run
# is bounded by timeout 5: a hang fails the test).
cd "$T" || fail "no scratch dir"

# usage_error CODE ARGS... : flamer ARGS must exit CODE with one
# "flamer: " line on stderr and write no recording
usage_error() {
	local want=$1; shift
	timeout 5 "$FLAMER" "$@" >"$T/stdout" 2>"$T/stderr"
	local got=$?
	[ "$got" -ne 124 ] || fail "'flamer $*' hung"
	[ "$got" -eq "$want" ] || fail "'flamer $*' exited $got, expected $want: $(head -c 500 "$T/stderr")"
	[ "$(wc -l <"$T/stderr")" -eq 1 ] ||
		fail "'flamer $*': expected one line on stderr, got: $(head -c 800 "$T/stderr")"
	grep -Eq '^flamer: ' "$T/stderr" || fail "'flamer $*': stderr does not start with 'flamer: ': $(cat "$T/stderr")"
	[ ! -s "$T/stdout" ] || fail "'flamer $*' wrote to stdout: $(head -c 200 "$T/stdout")"
	ls "$T"/flamer.data* >/dev/null 2>&1 && fail "'flamer $*' left $(ls "$T"/flamer.data*)"
	echo "ok ($got): flamer $* -> $(cat "$T/stderr")"
}

usage_error 2 frobnicate
usage_error 2 record --bogus -- true
usage_error 2 record -Z -- true
usage_error 2 record -F 99x -- true
usage_error 2 record -F 0 -- true
usage_error 2 record -F '' -- true
usage_error 2 record -d -1 -- true
usage_error 2 record -d abc -- true
usage_error 2 record -d 1e999 -- true
usage_error 2 record -p 12x
usage_error 2 record -p 1 -- true
usage_error 2 record
usage_error 2 record --unwind sideways -- true
# no such process: a pid that is not in use (pid_max is at most 4194304)
pid=4194000
while [ -e /proc/$pid ]; do pid=$((pid + 1)); done
usage_error 2 record -p $pid
expect_grep 'no such process' "$T/stderr"
# kthreadd (pid 2) is a kernel thread: nothing to profile
if [ -r /proc/2/stat ] && grep -q kthreadd /proc/2/comm 2>/dev/null; then
	usage_error 2 record -p 2
	expect_grep 'kernel thread' "$T/stderr"
fi
usage_error 2 record -- /nonexistent/program
expect_grep 'nonexistent/program' "$T/stderr"
usage_error 2 record -- no-such-command-flamer-test
usage_error 2 collapse --bogus
usage_error 2 collapse --input elephant /dev/null
usage_error 2 svg --bogus
usage_error 2 svg --width 12x
usage_error 2 diff --bogus
usage_error 2 diff only-one-file
# missing input files are failures, not usage errors
usage_error 1 collapse "$T/missing.data"
usage_error 1 svg "$T/missing.folded"
echo "all usage errors ok"
