%% procs - Erlang processes with CPU shares known by construction, for
%% `flamer collapse --erlang-processes`.
%%
%%   hot   (registered): computes 3 work units, then sends warm a tick
%%   warm  (registered): computes 1 work unit per tick it receives
%%   cold  (registered): sleeps
%%   one unregistered busy process
%% Work is counted in units, not time: whatever the scheduling, hot does
%% three units for every one of warm's, so of the two hot gets 3/4 of the
%% CPU.  The workload writes every process of the node, as
%% "name <0.N.S>" (registered) or "<0.N.S>" (pid_to_list), one a line,
%% to PIDFILE.procs, at the start and again at the end; the unregistered
%% busy process's pid_to_list to PIDFILE.busy.
%%
%%   erl -noshell +JPperf map -pa DIR -run procs main SECONDS PIDFILE
-module(procs).
-export([main/1, hot/1, warm/0, cold/0, busy/0, unit/0]).

main([Secs, PidFile]) ->
    Warm = spawn(?MODULE, warm, []),
    register(warm, Warm),
    register(hot, spawn(?MODULE, hot, [Warm])),
    register(cold, spawn(?MODULE, cold, [])),
    Busy = spawn(?MODULE, busy, []),
    ok = file:write_file(PidFile ++ ".busy", pid_to_list(Busy)),
    write_procs(PidFile ++ ".procs"),
    ok = file:write_file(PidFile, os:getpid()),
    timer:sleep(list_to_integer(Secs) * 1000),
    write_procs(PidFile ++ ".procs"),
    halt(0).

write_procs(File) ->
    Lines = [[text(P), $\n] || P <- processes()],
    ok = file:write_file(File, Lines, [append]).

text(P) ->
    case process_info(P, registered_name) of
        {registered_name, N} -> [atom_to_list(N), " ", pid_to_list(P)];
        _ -> pid_to_list(P)
    end.

fib(0) -> 0;
fib(1) -> 1;
fib(N) -> fib(N - 1) + fib(N - 2).

unit() -> fib(18).

hot(Warm) ->
    unit(), unit(), unit(),
    Warm ! tick,
    hot(Warm).

warm() ->
    receive tick -> unit() end,
    warm().

cold() ->
    receive stop -> ok end.

busy() ->
    unit(),
    busy().
