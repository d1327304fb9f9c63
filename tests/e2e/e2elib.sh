# e2elib.sh - helpers for the end-to-end recorder tests (sourced after
# tests/lib.sh).  Workloads come from samples/bin (built by `make samples`);
# every workload is started with -p FILE so the tests know its real pid.
#
# Collapsed lines are matched by samples_matching, which sees the stack
# followed by one space: a frame ends with ';' or ' ' (written [; ] below).

SAMPLES=samples/bin
E2E_FREQ=${E2E_FREQ:-999}
E2E_PIDS=

# The glibc start of the main thread, then main.  Debian's libc has no
# frame pointers, so a frame-pointer walk ends in __libc_start_call_main:
# MAIN_FP accepts that.
MAIN='(^|;)(_start;)?__libc_start_main[^;]*;(__libc_start_call_main;)?main;'
MAIN_FP='^[^;]*;(.*;)?(__libc_start_call_main;)?main;'

e2e_cleanup() {
	local p
	for p in $E2E_PIDS; do
		kill "$p" 2>/dev/null
	done
	wait 2>/dev/null
	rm -rf "$T"
}
trap e2e_cleanup EXIT

# need_sample NAME... : the sample binaries must be built
need_sample() {
	local b
	for b in "$@"; do
		[ -x "$SAMPLES/$b" ] || fail "$SAMPLES/$b not built (run 'make samples')"
	done
}

# wait_file FILE [TENTHS] : wait (default 10 s) until FILE is non-empty
wait_file() {
	local i
	for i in $(seq "${2:-100}"); do
		[ -s "$1" ] && return 0
		sleep 0.1
	done
	fail "$1 did not appear"
}

# start_target NAME ARGS... : start samples/bin/NAME ARGS -p $T/NAME.pid in
# the background; sets TPID (its pid, read from the pid file).  It is
# killed when the test ends.
start_target() {
	local name=$1; shift
	rm -f "$T/$name.pid"
	"$SAMPLES/$name" "$@" -p "$T/$name.pid" >"$T/$name.out" 2>&1 &
	E2E_PIDS="$E2E_PIDS $!"
	wait_file "$T/$name.pid"
	TPID=$(cat "$T/$name.pid")
	kill -0 "$TPID" 2>/dev/null || fail "$name exited early: $(cat "$T/$name.out")"
	E2E_PIDS="$E2E_PIDS $TPID"
}

# record OUT ARGS... : flamer record -F $E2E_FREQ -o OUT ARGS, must exit 0;
# its stderr is kept in OUT.err
record() {
	local out=$1; shift
	"$FLAMER" record -F "$E2E_FREQ" -o "$out" "$@" 2>"$out.err" >/dev/null
	local rc=$?
	[ "$rc" -eq 0 ] || fail "flamer record $* exited $rc: $(head -c 800 "$out.err")"
}

# fold DATA : collapse DATA into DATA.folded (must exit 0); prints nothing
fold() {
	"$FLAMER" collapse "$@" >"$1.folded" 2>"$1.cerr" ||
		fail "flamer collapse $* failed: $(head -c 500 "$1.cerr")"
}

# need_samples FOLDED REGEX MIN : at least MIN samples match REGEX
need_samples() {
	local n
	n=$(samples_matching "$2" "$1")
	[ "$n" -ge "$3" ] || fail "only $n samples match '$2' in $1 (want >= $3): $(top_stacks "$1")"
}

# chain_share FOLDED LEAF FULL PERCENT MIN : of the samples whose stack
# matches LEAF (at least MIN of them), at least PERCENT % match FULL
chain_share() {
	local leaf full
	leaf=$(samples_matching "$2" "$1")
	full=$(samples_matching "$3" "$1")
	[ "$leaf" -ge "$5" ] || fail "only $leaf samples match '$2' in $1 (want >= $5): $(top_stacks "$1")"
	awk -v a="$full" -v b="$leaf" -v p="$4" 'BEGIN { exit !(a * 100 >= b * p) }' ||
		fail "$full of $leaf samples matching '$2' have the chain '$3' (want >= $4%) in $1: $(top_stacks "$1")"
}

# top_stacks FOLDED : the heaviest stacks, for failure messages
top_stacks() {
	echo
	awk '{ print $NF "\t" $0 }' "$1" | sort -nr | head -8 | cut -f2- | cut -c1-400
}

# split_between FOLDED REGEX_A REGEX_B LO HI : samples(A)/samples(B) in [LO, HI]
split_between() {
	local a b
	a=$(samples_matching "$2" "$1")
	b=$(samples_matching "$3" "$1")
	[ "$b" -gt 0 ] || fail "no samples match '$3' in $1: $(top_stacks "$1")"
	ratio_between "$a" "$b" "$4" "$5"
}

# tree_checks FOLDED [ROOT] : the call tree of samples/c/tree.c with its
# 3:1 split; ROOT (default $MAIN) is what must come before outer
tree_checks() {
	local m=${2:-$MAIN}
	local a="${m}outer;left;leaf_a[; ]" b="${m}outer;right;leaf_b[; ]"
	need_samples "$1" "$a" 100
	need_samples "$1" "$b" 30
	chain_share "$1" ';leaf_[ab][; ]' "${m}outer;(left;leaf_a|right;leaf_b)[; ]" 95 130
	split_between "$1" "$a" "$b" 2.0 4.5
}
