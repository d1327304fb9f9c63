# JIT code is decided by the perf map first (docs/beam.md's old known
# problem): samples/c/jitnear puts frame-pointer code in an anonymous
# executable page right after a shared object's last mapping and names it
# in /tmp/perf-PID.map.  Attached and launched, in the default unwind mode,
# its samples are jit_hot_loop under run_jit and main, never the shared
# object's name or [unknown].
. tests/e2e/e2elib.sh
need_sample jitnear-nofp

jit_checks() {
	local f=$1
	need_samples "$f" ';jit_hot_loop_\[j\]( |;[^;]*_\[k\])' 300
	# the leaf of run_jit is the JIT code, named, with its true callers
	chain_share "$f" ';run_jit;' "${MAIN}run_jit;jit_hot_loop_\[j\]( |;[^;]*_\[k\])" 95 300
	expect_no_grep 'jit_hot_loop_\[j\];[^ ]*[^k]\] ' "$f"
}

start_target jitnear-nofp -d 6
# killed at the end, it leaves its map behind
trap 'rm -f "/tmp/perf-$TPID.map"; e2e_cleanup' EXIT
cat "$T/jitnear-nofp.out"
record "$T/pid.data" -p "$TPID" -d 2
fold "$T/pid.data"
jit_checks "$T/pid.data.folded"

# launched: the map is written after recording began
record "$T/launch.data" -- "$SAMPLES/jitnear-nofp" -d 3
fold "$T/launch.data"
jit_checks "$T/launch.data.folded"
