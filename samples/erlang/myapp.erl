%% myapp - a BEAM workload with a known call tree and CPU split.
%%
%% Alternating 20 ms phases, run for Seconds:
%%   main/1 -> loop/3 -> handle/2 -> encode/1 -> term_to_binary/1  (C BIF)
%%   main/1 -> loop/3 -> compute/1 -> fibm:fib/1 (recursive)        (Erlang)
%% so about half of the CPU time is in the C BIF term_to_binary/1 called
%% from encode/1 and half in pure Erlang fibm:fib/1.  No call on these
%% paths is a tail call, so every caller keeps its frame on the stack.
%%
%%   erl -noshell +JPperf map -pa DIR -run myapp main SECONDS PIDFILE
%% writes the OS pid of the VM to PIDFILE, then halts after SECONDS.
-module(myapp).
-export([main/1, loop/3, handle/2, encode/1, compute/1]).

-define(PHASE_MS, 20).

main([Secs, PidFile]) ->
    ok = file:write_file(PidFile, os:getpid()),
    End = now_ms() + list_to_integer(Secs) * 1000,
    Term = make_term(2000),
    _ = loop(Term, End, 0),
    halt(0).

now_ms() -> erlang:monotonic_time(millisecond).

%% A term with many small parts: encoding it walks every part in C.
make_term(N) ->
    [{I, <<"payload">>, [I, I + 1, I + 2], "text", 3.25, atom} ||
        I <- lists:seq(1, N)].

loop(Term, End, Acc) ->
    Now = now_ms(),
    case Now >= End of
        true -> Acc;
        false ->
            N = handle(Term, Now + ?PHASE_MS),
            F = compute(Now + 2 * ?PHASE_MS),
            loop(Term, End, Acc + N + F)
    end.

%% Encodes Term until the deadline (a self tail call: one frame).
handle(Term, Until) ->
    Size = encode(Term),
    case now_ms() >= Until of
        true -> Size;
        false -> handle(Term, Until)
    end.

encode(Term) ->
    Bin = term_to_binary(Term),
    byte_size(Bin).

%% Pure Erlang work until the deadline.
compute(Until) ->
    F = fibm:fib(18),
    case now_ms() >= Until of
        true -> F;
        false -> compute(Until)
    end.
