# An Elixir node with ELIXIR_ERL_OPTIONS="+JPperf map": its functions read
# as MyApp.Worker.run/2, not $'Elixir.MyApp.Worker':run/2.
. tests/beam/beamlib.sh
beam_require
command -v elixir >/dev/null || skip "elixir not installed"
beam_start elixir 30
map=/tmp/perf-$BEAM_PID.map
for _ in $(seq 100); do
	grep -q "Elixir.MyApp.Worker':run/2\$" "$map" 2>/dev/null && break
	sleep 0.1
done
for f in run/2 pack/1 crunch/1; do
	a=$(map_last_byte "'Elixir.MyApp.Worker':$f")
	[ -n "$a" ] || fail "MyApp.Worker $f not in $map"
	"$PROBE" --lookup "$BEAM_PID" "$(id -u)" "$a" >"$T/out" || fail "lookup $f"
	expect_grep "^erlang MyApp\\.Worker\\.$f\$" "$T/out"
done
exit 0
