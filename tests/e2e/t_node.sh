# Node.js (V8 keeps frame pointers, names its code in /tmp/perf-PID.map
# with --perf-basic-prof), launched under flamer and attached by pid, in
# the default unwind mode: JS functions are named, in their true caller
# order (samples/node/tree.js: outer -> inner -> hot, outer -> side ->
# hot2), under node's C++ frames down to _start, with no sample lost.
. tests/e2e/e2elib.sh
command -v node >/dev/null || skip "node not installed (Debian: nodejs)"
# (--logfile=/dev/null: with --perf-basic-prof node 20 also writes an
# isolate-*-v8.log into the current directory)
NODE_FLAGS="--perf-basic-prof --interpreted-frames-native-stack --no-turbo-inlining --logfile=/dev/null"
JS=samples/node/tree.js

js() { printf 'JS:[~^*+]?%s [^;]*' "$1"; }
ROOT='^node;_start;__libc_start_main;__libc_start_call_main;node::Start'

node_checks() {
	local f=$1 hot hot2
	hot="$(js outer);$(js inner);$(js hot)( |;[^;]*_\[k\])"
	hot2="$(js outer);$(js side);$(js hot2)( |;[^;]*_\[k\])"
	# the hot leaves, with their callers, from the root
	need_samples "$f" ";$(js hot)( |;[^;]*_\[k\])" 300
	need_samples "$f" ";$(js hot2)( |;[^;]*_\[k\])" 100
	chain_share "$f" ";$(js 'hot2?')( |;[^;]*_\[k\])" "$ROOT.*;($hot|$hot2)" 95 400
	# never a wrong caller
	expect_no_grep "$(js side);$(js hot) " "$f"
	expect_no_grep "$(js inner);$(js hot2) " "$f"
	expect_no_grep "$(js 'hot2?');.*$(js outer)" "$f"
	# JS samples (any named JS frame) reach the root
	chain_share "$f" ';JS:' "$ROOT" 95 400
	# and no stack is cut short without the mark (before 2026-12-03 a
	# 0 return address ended one as if at its root)
	rooted_or_marked "$f"
	# no sample lost -- by the optimised recorder: the ASan one is 2-3x
	# slower and once overflowed a ring at node's start-up (a fresh-clone
	# ASan run; 0 lost in the re-runs), which says nothing of the product
	sanitized || expect_no_grep ' [1-9][0-9]* lost' "$2"
}

# node leaves its /tmp/perf-PID.map behind: remove ours at the end
node_maps() {
	local f
	for f in "$T"/launch.pid "$T"/node.pid; do
		[ -s "$f" ] && rm -f "/tmp/perf-$(cat "$f").map"
	done
	e2e_cleanup
}
trap node_maps EXIT

# launched: the perf map does not exist when recording starts
record "$T/launch.data" -- node $NODE_FLAGS "$JS" 4 "$T/launch.pid"
fold "$T/launch.data"
node_checks "$T/launch.data.folded" "$T/launch.data.err"

# attached by pid, after the map was written
rm -f "$T/node.pid"
node $NODE_FLAGS "$JS" 8 "$T/node.pid" &
E2E_PIDS="$E2E_PIDS $!"
wait_file "$T/node.pid"
sleep 1
record "$T/pid.data" -p "$(cat "$T/node.pid")" -d 3
fold "$T/pid.data"
node_checks "$T/pid.data.folded" "$T/pid.data.err"
