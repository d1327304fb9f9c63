# t_node_deep.sh - a JS stack deeper than the stack copy is never completed
# from a live stack that has moved on (docs/record.md, "JIT code from perf
# maps").  samples/node/deep.js runs two recursions 400 deep that never
# call each other (walkA, walkB, alternating), so a stack that holds both
# is wrong.  The recorder reads 2 ms late (FLAMER_TEST_LATE_US), as a
# busy one would.  Before 2026-12-03 V8's frame-pointer chain went on in
# the live stack beyond the copy: 818 of 1,240 samples mixed the two
# (8 KiB copy, no added delay).  Now:
# - at node's default copy (32 KiB): no stack mixes them, none is cut
#   without the mark, and >= 90% of the recursions' samples reach node's
#   main (measured 99.9%);
# - at 8 KiB (~170 of the 400 frames fit): no stack mixes them, and most
#   are [truncated] at the copy's edge (measured 99.7%), not completed.
E2E_FREQ=199
. tests/e2e/e2elib.sh
command -v node >/dev/null || skip "node not installed (Debian: nodejs)"
NODE_FLAGS="--perf-basic-prof --no-turbo-inlining --logfile=/dev/null"
JS=samples/node/deep.js
A='JS:[~^*+]?walkA '
B='JS:[~^*+]?walkB '
MAIN='^node;_start;__libc_start_main;__libc_start_call_main;node::Start'

node_maps() {
	local f
	for f in "$T"/*.pid; do
		[ -s "$f" ] && rm -f "/tmp/perf-$(cat "$f").map"
	done
	e2e_cleanup
}
trap node_maps EXIT

check() {
	local f=$1 n
	need_samples "$f" "($A|$B)" 300
	n=$(samples_matching "$A.*$B|$B.*$A" "$f")
	[ "$n" -eq 0 ] || fail "$n samples in $f hold both walkA and walkB: $(grep -E "$A.*$B|$B.*$A" "$f" | head -n 1 | cut -c 1-600)"
	rooted_or_marked "$f"
}

FLAMER_TEST_LATE_US=2000 record "$T/def.data" -- node $NODE_FLAGS "$JS" 4 "$T/def.pid"
fold "$T/def.data"
check "$T/def.data.folded"
chain_share "$T/def.data.folded" "($A|$B)" "$MAIN" 90 300

FLAMER_TEST_LATE_US=2000 record "$T/small.data" --stack-size 8192 -- node $NODE_FLAGS "$JS" 4 "$T/small.pid"
fold "$T/small.data"
check "$T/small.data.folded"
chain_share "$T/small.data.folded" "($A|$B)" '^node;\[truncated\];' 50 300
exit 0
