# `flamer record -p` on an Elixir node (ELIXIR_ERL_OPTIONS="+JPperf map")
# running samples/elixir/worker.exs: Elixir names read MyApp.Worker.run/2,
# the callers are on the samples that landed in the term_to_binary BIF, and
# the pack/crunch split is about half and half.
. tests/beam/beamlib.sh
beam_require_erl
command -v elixir >/dev/null || skip "elixir not installed"
beam_record elixir 3

W='MyApp\.Worker\.'
J='(_\[j\])?'
sched=$(busiest_thread "$T/tid.folded" ";${W}run/2(;|$)")
[ -n "$sched" ] || { show_top "$T/tid.folded"; fail "no sample has MyApp.Worker.run/2"; }
thread_lines "$T/tid.folded" "$sched" >"$T/s.folded"
name=$(head -n 1 "$T/s.folded" | cut -d';' -f2)
[[ $name =~ ^[0-9]+_scheduler$ ]] || fail "the worker ran on thread '$name', not a scheduler"

all=$(total_samples "$T/s.folded")
run=$(samples_matching ";${W}run/2;" "$T/s.folded")
pack=$(samples_matching ";${W}run/2;${W}pack_until/2;${W}pack/1(;|$)" "$T/s.folded")
bif=$(samples_matching ";${W}run/2;${W}pack_until/2;${W}pack/1;call_(light_)?bif_shared$J;[^;]" "$T/s.folded")
light=$(samples_matching ";${W}pack/1;call_light_bif_shared$J;term_to_binary_1(;|$)" "$T/s.folded")
crunch=$(samples_matching ";${W}run/2;${W}crunch_until/1;${W}crunch/1(;|$)" "$T/s.folded")
echo "all $all run/2 $run pack $pack (in C $bif, term_to_binary_1 $light) crunch $crunch"
show_top "$T/s.folded"
[ "$all" -ge 100 ] || fail "only $all samples on $sched"
ratio_between "$run" "$all" 0.90 1
ratio_between "$pack" "$run" 0.30 0.70
ratio_between "$crunch" "$run" 0.30 0.70
ratio_between "$bif" "$pack" 0.80 1
ratio_between "$light" "$all" 0.10 1
# Names are Elixir's, not the raw map's $'Elixir.MyApp.Worker':run/2.
expect_no_grep "'Elixir\\." "$T/tid.folded"
expect_no_grep '(^|;)\$' "$T/tid.folded"
expect_grep ";${W}crunch/1;${W}crunch/1;" "$T/s.folded"
exit 0
