# t_bpf_dirty.sh - work on a dirty scheduler is shown under the Erlang
# process and function that asked for it (issue 13; docs/beam-bpf.md
# section 5, test 3).  samples/erlang/dirty.erl: the registered process
# gcer keeps a 300,000-element list live and collects its heap in a loop
# (gcer/1 -> gc_once/1 -> garbage_collect/0), which the VM does on its
# dirty-CPU scheduler.  Of the dirty scheduler's samples in that
# collection (erts_execute_dirty_system_task), at least 95% must read
# `gcer <0.N.S>;...;erts_dirty_process_main;erts_beamasm:normal_exit/0;
# dirty:gcer/1;dirty:gc_once/1;erts_execute_dirty_system_task`.
. tests/lib.sh
. tests/beam/beamlib.sh
beam_require_erl
beam_require_bpf
export ERL_FLAGS="+S 1:1 +SDcpu 1:1"
beam_record dirty 3
grep -q 'Erlang frames and processes read at the sample (BPF)' "$T/rec.err" ||
	fail "the VM was not read by BPF: $(head -c 800 "$T/rec.err")"
"$FLAMER" collapse --tid --erlang-processes -q "$T/rec" >"$T/p.folded" || fail "collapse"
gc=$(samples_matching '^[^;]+;[0-9]+_dirty_cpu_sch;.*;erts_execute_dirty_system_task(;|$)' "$T/p.folded")
under=$(samples_matching '^[^;]+;[0-9]+_dirty_cpu_sch;gcer <0\.[0-9]+\.[0-9]+>;([^;]+;)*erts_dirty_process_main;erts_beamasm:normal_exit/0;dirty:gcer/1;dirty:gc_once/1;erts_execute_dirty_system_task(;|$)' "$T/p.folded")
echo "dirty-CPU samples in the collection $gc, under gcer's process and functions $under"
show_top "$T/p.folded"
[ "$gc" -ge 200 ] || fail "only $gc dirty collection samples"
ratio_between "$under" "$gc" 0.95 1
# without --erlang-processes the Erlang frames are still there
"$FLAMER" collapse --tid -q "$T/rec" >"$T/n.folded" || fail "collapse"
expect_grep ';erts_dirty_process_main;erts_beamasm:normal_exit/0;dirty:gcer/1;dirty:gc_once/1;erts_execute_dirty_system_task' "$T/n.folded"
exit 0
