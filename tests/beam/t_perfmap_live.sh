# A live `erl +JPperf map` node: the sample functions in its perf map resolve
# to module:function/arity names, helpers to JIT frames, with no bad line;
# a map owned by another user is refused.
. tests/beam/beamlib.sh
beam_require
beam_start myapp 30
map=/tmp/perf-$BEAM_PID.map
[ -f "$map" ] || fail "no $map"

"$PROBE" --names "$BEAM_PID" "$(id -u)" >"$T/names" || fail "open: $(cat "$T/names")"
expect_grep '^count [0-9]{4,} bad 0$' "$T/names"

for f in myapp:handle/2 myapp:encode/1 myapp:loop/3 fibm:fib/1 erts_beamasm:normal_exit/0; do
	a=$(map_last_byte "$f")
	[ -n "$a" ] || fail "$f not in $map"
	"$PROBE" --lookup "$BEAM_PID" "$(id -u)" "$a" >"$T/out" || fail "lookup $f at $a: $(cat "$T/out")"
	expect_grep "^erlang $f\$" "$T/out"
done
a=$(map_last_byte global::call_light_bif_shared)
"$PROBE" --lookup "$BEAM_PID" "$(id -u)" "$a" >"$T/out" || fail "lookup call_light_bif_shared"
expect_grep '^jit call_light_bif_shared$' "$T/out"
# One byte past fib/1 is not fib/1 any more.
a=$(map_last_byte fibm:fib/1)
"$PROBE" --lookup "$BEAM_PID" "$(id -u)" $((a + 1)) >"$T/out"
expect_no_grep 'fibm:fib/1' "$T/out"

# Ownership: the same map, owned by another user, is refused.
if is_root; then
	chown 65534 "$map"
	"$PROBE" --open "$BEAM_PID" 0 >"$T/out" && fail "a map owned by uid 65534 was trusted for a root target"
	expect_grep "not owned by the target's user or root" "$T/out"
	"$PROBE" --names "$BEAM_PID" 65534 >"$T/out" || fail "map of uid 65534 refused for a uid-65534 target"
	chown 0 "$map"
fi
exit 0
