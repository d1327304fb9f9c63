# A BEAM started without +JPperf is recognised, has no perf map, and the
# advice names the flags to use; a process that is not a BEAM is not one.
. tests/beam/beamlib.sh
beam_require
beam_start --no-perf-map fibm 30
"$PROBE" --beam "$BEAM_PID" >"$T/out" || fail "probe failed"
expect_grep '^is_beam 1$' "$T/out"
expect_grep '^has_map 0$' "$T/out"
expect_grep 'erl \+JPperf map' "$T/out"
expect_grep 'ELIXIR_ERL_OPTIONS="\+JPperf map"' "$T/out"
# Thread names the VM gives (checked against beam_thread_class in the unit
# test): a scheduler thread exists.
cat /proc/"$BEAM_PID"/task/*/comm >"$T/comm"
expect_grep '^1_scheduler$' "$T/comm"

sleep 30 &
other=$!
"$PROBE" --beam "$other" >"$T/out"
kill "$other"
expect_grep '^is_beam 0$' "$T/out"
exit 0
