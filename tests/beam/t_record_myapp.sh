# `flamer record -p` on `erl +JPperf map` running samples/erlang/myapp.erl
# (alternating 20 ms phases: term_to_binary/1, a C BIF, called from
# encode/1; and pure-Erlang fibm:fib/1 called from compute/1).  The Erlang
# callers must be on every sample, including those that landed in C code
# below the JIT (perf -g keeps them on ~47%, perf --call-graph dwarf on 0%):
# docs/beam.md sections 3 and 5.
. tests/beam/beamlib.sh
beam_require_erl
beam_record myapp 4

sched=$(busiest_thread "$T/tid.folded" ';myapp:loop/3(;|$)')
[ -n "$sched" ] || { show_top "$T/tid.folded"; fail "no sample has myapp:loop/3"; }
thread_lines "$T/tid.folded" "$sched" >"$T/s.folded"
name=$(head -n 1 "$T/s.folded" | cut -d';' -f2)
[[ $name =~ ^[0-9]+_scheduler$ ]] || fail "the workload ran on thread '$name', not a scheduler"
echo "workload thread $sched ($name)"

all=$(total_samples "$T/s.folded")
[ "$all" -ge 200 ] || fail "only $all samples on $sched in 4 s at 499 Hz"
J='(_\[j\])?'   # JIT helpers may carry collapse's _[j] mark
chain=$(samples_matching ';myapp:main/1;myapp:loop/3(;|$)' "$T/s.folded")
loop=$(samples_matching ';myapp:loop/3(;|$)' "$T/s.folded")
enc=$(samples_matching ';myapp:loop/3;myapp:handle/2;myapp:encode/1(;|$)' "$T/s.folded")
# (the same prefix as $enc, so the share cannot pass 1 when a walk that
# stopped early left encode/1 without loop/3 above it)
enc_c=$(samples_matching ";myapp:loop/3;myapp:handle/2;myapp:encode/1;call_(light_)?bif_shared$J;" "$T/s.folded")
light=$(samples_matching ";myapp:main/1;myapp:loop/3;myapp:handle/2;myapp:encode/1;call_light_bif_shared$J;term_to_binary_1(;|$)" "$T/s.folded")
# In C below the Erlang chain: a C frame (term_to_binary_1,
# beam_jit_call_bif, ...) under the JIT helper, with the chain above it.
in_c=$(samples_matching ";myapp:main/1;myapp:loop/3;myapp:handle/2;myapp:encode/1;call_(light_)?bif_shared$J;[^;]" "$T/s.folded")
static=$(samples_matching ";myapp:encode/1;call_(light_)?bif_shared$J;[^;]+;\[beam\.smp\]" "$T/s.folded")
erl=$(samples_matching ';myapp:main/1;myapp:loop/3;myapp:compute/1;fibm:fib/1(;|$)' "$T/s.folded")
deep=$(samples_matching ';myapp:compute/1;fibm:fib/1;fibm:fib/1;fibm:fib/1;fibm:fib/1(;|$)' "$T/s.folded")
echo "all $all chain $chain loop $loop encode $enc (into C helper $enc_c, light BIF $light)" \
	"in C $in_c ([beam.smp] below $static) fib $erl (4+ deep $deep)"
show_top "$T/s.folded"

# >= 90% of all samples of the scheduler carry main/1;loop/3.
ratio_between "$chain" "$all" 0.90 1
# The split (docs/beam.md 5): about half encoding, half fib.
ratio_between "$enc" "$loop" 0.35 0.65
ratio_between "$erl" "$loop" 0.35 0.65
# Encoding samples continue into the JIT helper and the BIF (C part).
ratio_between "$enc_c" "$enc" 0.80 1
# A good share of all samples landed in C and still has the whole chain.
ratio_between "$in_c" "$all" 0.25 1
ratio_between "$light" "$all" 0.10 1
# Debian's beam.smp is stripped: its static internals show as [beam.smp].
ratio_between "$static" "$all" 0.05 1
# fib/1 recursion is unwound through its own frames.
ratio_between "$deep" "$erl" 0.50 1

# No raw perf-map names leak through ($M:F/A, 'Elixir.…', $global::).
"$FLAMER" collapse -q "$T/rec" >"$T/f.folded" || fail "collapse"
expect_no_grep '(^|;)\$' "$T/f.folded"
expect_no_grep "'Elixir\\." "$T/f.folded"
expect_no_grep 'global::' "$T/f.folded"
# Without --tid the root is the process name.
expect_grep '^beam\.smp;.*myapp:loop/3' "$T/f.folded"
exit 0
