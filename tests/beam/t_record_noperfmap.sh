# A node started without +JPperf: `flamer record` says once, on stderr, how
# to get Erlang frames (erl +JPperf map; ELIXIR_ERL_OPTIONS for Elixir),
# and still records the native stacks: the BIF's C frames in beam.smp.
. tests/beam/beamlib.sh
beam_require_erl
# (a map left by an earlier process with the same pid may exist: pids
# are reused; flamer must not read it, unit/test_perfmap checks how)
touch "$T/before"
beam_record --no-perf-map myapp 2
[ ! -e "/tmp/perf-$BEAM_PID.map" ] || [ "/tmp/perf-$BEAM_PID.map" -ot "$T/before" ] ||
	fail "the VM wrote a perf map without +JPperf"
cat "$T/rec.err"
expect_grep 'erl \+JPperf map' "$T/rec.err"
expect_grep 'ELIXIR_ERL_OPTIONS="?\+JPperf map' "$T/rec.err"
[ "$(grep -c 'JPperf' "$T/rec.err")" -eq 1 ] || fail "the advice is not given exactly once"
# One line, flamer's error format.
expect_grep "^flamer: .*$BEAM_PID.*perf map" "$T/rec.err"

all=$(total_samples "$T/tid.folded")
bif=$(samples_matching ';term_to_binary_1(;|$)|;beam_jit_call_bif' "$T/tid.folded")
beam=$(samples_matching ';(term_to_binary_1|beam_jit_call_bif[^;]*|erts_[a-z_]+|\[beam\.smp\])(;|$)' "$T/tid.folded")
echo "all $all, in the BIF $bif, with beam.smp frames $beam"
show_top "$T/tid.folded"
[ "$all" -ge 100 ] || fail "only $all samples"
ratio_between "$bif" "$all" 0.20 1
ratio_between "$beam" "$all" 0.25 1
expect_grep '^[^;]+;[0-9]+_scheduler;' "$T/tid.folded"
# No map, no Erlang names.
expect_no_grep 'myapp:|fibm:' "$T/tid.folded"
exit 0
