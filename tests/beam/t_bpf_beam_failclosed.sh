# t_bpf_beam_failclosed.sh - a BEAM layout that does not check out on the
# live node is not used (docs/beam-bpf.md section 5, test 4): with a
# corrupted offset (the test hook FLAMER_BEAM_TEST_BAD_OFFSET moves
# current_process by 8 bytes) the recorder says why once, gives no sample
# an Erlang process, and still records Erlang frames the old way (late
# live reads).
. tests/lib.sh
. tests/beam/beamlib.sh
beam_require_erl
beam_require_bpf
export ERL_FLAGS="+S 1:1"
export FLAMER_BEAM_TEST_BAD_OFFSET=1
beam_record myapp 2
cat "$T/rec.err"
expect_grep 'Erlang frames are read late, from the live process .*scheduler data does not match' "$T/rec.err"
expect_no_grep 'read at the sample \(BPF\)' "$T/rec.err"
[ "$(grep -c 'Erlang frames are read late' "$T/rec.err")" -eq 1 ] || fail "said more than once"
"$FLAMER" collapse --tid --erlang-processes -q "$T/rec" >"$T/p.folded" || fail "collapse"
expect_no_grep ';<0\.[0-9]+\.[0-9]+>;|;[a-z_]+ <0\.[0-9]+\.[0-9]+>;' "$T/p.folded"
# the live reads still give the Erlang chain
chain=$(samples_matching ';myapp:main/1;myapp:loop/3(;|$)' "$T/tid.folded")
all=$(total_samples "$T/tid.folded")
echo "samples $all, with myapp:main/1;myapp:loop/3: $chain"
ratio_between "$chain" "$all" 0.80 1
exit 0
