%% beam_bench - a fixed amount of Erlang work for bench/record.sh: N units
%% of ~2 ms, each a few levels of Erlang calls, a recursion, and BIF calls
%% (term_to_binary, binary_to_term, erlang:phash2, lists:reverse), then the
%% VM's CPU time for that work, in the line bench/record.sh reads:
%%
%%   bench: cpu SECONDS wall SECONDS total_cpu SECONDS units N nivcsw 0 result X
%%
%%   erl -noshell +S 1 +JPperf map -pa DIR -run beam_bench main -extra [-n N] [-w]
%%
%% -w: print "ready OSPID" and wait for SIGUSR2 (the VM keeps SIGUSR1 for
%% its crash dump) before the work (the bench
%% attaches the recorder meanwhile).  cpu is erlang:statistics(runtime),
%% the CPU time of the VM's schedulers in milliseconds (the work's, since
%% the gate); nivcsw is not known here (0).
-module(beam_bench).
-behaviour(gen_event).
-export([main/0, main/1]).
-export([init/1, handle_event/2, handle_call/2, handle_info/2,
         terminate/2, code_change/3]).

main() -> main([]).

main(_) ->
    {N, Gate} = args(init:get_plain_arguments(), 800, false),
    case Gate of
        true -> gate();
        false -> ok
    end,
    Term = [{I, <<"payload">>, [I, I + 1], "text", 3.25} || I <- lists:seq(1, 60)],
    statistics(runtime),
    W0 = erlang:monotonic_time(microsecond),
    X = units(N, Term, 0),
    {Total, Cpu} = statistics(runtime),
    W1 = erlang:monotonic_time(microsecond),
    io:format("bench: cpu ~.6f wall ~.6f total_cpu ~.6f units ~b nivcsw 0 result ~.16b~n",
              [Cpu / 1000, (W1 - W0) / 1.0e6, Total / 1000, N, X band 16#ffffffff]),
    halt(0).

args(["-n", S | T], _, G) -> args(T, list_to_integer(S), G);
args(["-w" | T], N, _) -> args(T, N, true);
args([], N, G) -> {N, G}.

%% SIGUSR2 reaches erl_signal_server once the VM is told to handle it.
gate() ->
    ok = gen_event:add_handler(erl_signal_server, ?MODULE, self()),
    ok = os:set_signal(sigusr2, handle),
    io:format("ready ~s~n", [os:getpid()]),
    receive go -> ok end.

init(Pid) -> {ok, Pid}.
handle_event(sigusr2, Pid) -> Pid ! go, {ok, Pid};
handle_event(_, Pid) -> {ok, Pid}.
handle_call(_, Pid) -> {ok, ok, Pid}.
handle_info(_, Pid) -> {ok, Pid}.
terminate(_, _) -> ok.
code_change(_, Pid, _) -> {ok, Pid}.

units(0, _, Acc) -> Acc;
units(N, Term, Acc) -> units(N - 1, Term, Acc + unit(Term)).

unit(Term) -> level1(Term, 0, 0).

level1(Term, K, Acc) when K < 8 -> level1(Term, K + 1, Acc + level2(Term));
level1(_, _, Acc) -> Acc.

level2(Term) -> descend(12, Term).

descend(0, Term) -> hot(Term);
descend(D, Term) -> 1 + descend(D - 1, Term).

hot(Term) ->
    B = term_to_binary(Term),
    T = binary_to_term(B),
    H = erlang:phash2(T),
    R = lists:reverse(Term, []),
    fib(22) + (H band 7) + length(R) + byte_size(B).

fib(N) when N < 2 -> N;
fib(N) -> fib(N - 1) + fib(N - 2).
