# `flamer collapse --tid` tells the VM's threads apart by name: two normal
# schedulers (1_scheduler, 2_scheduler) each running a busy Erlang process,
# and a dirty CPU scheduler running major GCs of a large heap.  Names and
# tids match the live threads; the dirty scheduler shows C frames, with
# (BPF, as root) the Erlang frames of the process that asked for the
# collection right above erts_dirty_process_main, and nowhere else
# (no register points at an Erlang stack there: docs/beam.md).
. tests/beam/beamlib.sh
beam_require_erl
mkdir -p "$T/w"
cat >"$T/w/tidw.erl" <<'ERL'
-module(tidw).
-export([main/1, spin/1, fib/1, gc_loop/2]).

main([Secs, PidFile]) ->
    End = erlang:monotonic_time(millisecond) + list_to_integer(Secs) * 1000,
    Self = self(),
    Ps = [spawn(fun() -> Self ! {done, spin(End)} end) || _ <- [1, 2]],
    G = spawn(fun() -> Self ! {done, gc_loop(lists:seq(1, 1000000), End)} end),
    ok = file:write_file(PidFile, os:getpid()),
    [receive {done, _} -> ok end || _ <- [G | Ps]],
    halt(0).

spin(End) ->
    _ = fib(18),
    case erlang:monotonic_time(millisecond) >= End of
        true -> ok;
        false -> spin(End)
    end.

fib(0) -> 0;
fib(1) -> 1;
fib(N) -> fib(N - 1) + fib(N - 2).

%% Major collections of a large heap run on a dirty CPU scheduler.
gc_loop(Big, End) ->
    true = erlang:garbage_collect(),
    case erlang:monotonic_time(millisecond) >= End of
        true -> length(Big);
        false -> gc_loop(Big, End)
    end.
ERL
erlc -o "$T/w" "$T/w/tidw.erl" || fail "erlc tidw.erl"
erl -noshell -noinput +JPperf map +S 2:2 +SDcpu 1:1 -pa "$T/w" -run tidw main 30 "$T/pid" >"$T/vm.log" 2>&1 &
BEAM_LAUNCHER=$!
trap 'beam_stop' EXIT
for _ in $(seq 150); do
	[ -s "$T/pid" ] && break
	sleep 0.1
done
[ -s "$T/pid" ] || fail "VM did not start: $(cat "$T/vm.log")"
BEAM_PID=$(cat "$T/pid")
sleep 1
"$FLAMER" record -F 499 -p "$BEAM_PID" -d 3 -o "$T/rec" 2>"$T/rec.err"
rc=$?
[ "$rc" -eq 4 ] && skip "perf_event_open not permitted"
[ "$rc" -eq 0 ] || fail "flamer record exited $rc: $(cat "$T/rec.err")"
"$FLAMER" collapse --tid -q "$T/rec" >"$T/tid.folded" || fail "collapse --tid"

# Every root is beam.smp-PID/TID, followed by that live thread's name.
awk '{ split($0, f, ";"); print f[1], f[2] }' "$T/tid.folded" | sort -u >"$T/threads"
cat "$T/threads"
while read -r root name; do
	[[ $root =~ ^beam\.smp-$BEAM_PID/([0-9]+)$ ]] || fail "root '$root' is not beam.smp-$BEAM_PID/TID"
	tid=${BASH_REMATCH[1]}
	comm=$(cat "/proc/$BEAM_PID/task/$tid/comm" 2>/dev/null) || fail "no thread $tid in the VM"
	[ "$comm" = "$name" ] || fail "thread $tid is '$comm', collapse says '$name'"
done <"$T/threads"
[ "$(cut -d' ' -f1 "$T/threads" | sort | uniq -d)" = "" ] || fail "a tid has two names"

for s in 1_scheduler 2_scheduler; do
	n=$(samples_matching "^[^;]+;$s;.*;tidw:spin/1;tidw:fib/1" "$T/tid.folded")
	echo "$s: $n samples in tidw:fib/1"
	[ "$n" -ge 5 ] || fail "$s has $n samples in tidw:spin/1;tidw:fib/1"
done
[ "$(grep -c ' 1_scheduler$' "$T/threads")" -eq 1 ] || fail "not exactly one 1_scheduler"
[ "$(grep -c ' 2_scheduler$' "$T/threads")" -eq 1 ] || fail "not exactly one 2_scheduler"

# The dirty CPU scheduler: garbage collection in C; Erlang frames only
# those of the GC loop's process, above erts_dirty_process_main.
d=$(samples_matching '^[^;]+;[0-9]+_dirty_cpu_sch;.*erts_garbage_collect' "$T/tid.folded")
echo "dirty cpu scheduler: $d samples in erts_garbage_collect*"
[ "$d" -ge 5 ] || fail "only $d dirty-scheduler GC samples"
grep -E '^[^;]+;[0-9]+_dirty_cpu_sch;.*tidw:' "$T/tid.folded" |
	grep -Ev ';erts_dirty_process_main;erts_beamasm:normal_exit/0;(tidw:[^;]+;)*tidw:gc_loop/2(;| [0-9]+$)' >"$T/bad"
[ -s "$T/bad" ] && fail "Erlang frames on the dirty scheduler elsewhere than above erts_dirty_process_main: $(head -c 600 "$T/bad")"
# GC samples are not charged to a normal scheduler's Erlang code.
expect_no_grep '^[^;]+;[0-9]+_scheduler;.*erts_execute_dirty_system_task' "$T/tid.folded"
exit 0
