%% fibm - the naive Fibonacci function: a pure-Erlang hot loop.
%%   erl -noshell +JPperf map -pa DIR -run fibm main SECONDS PIDFILE
-module(fibm).
-export([main/1, fib/1, spin/1]).

main([Secs, PidFile]) ->
    ok = file:write_file(PidFile, os:getpid()),
    End = erlang:monotonic_time(millisecond) + list_to_integer(Secs) * 1000,
    _ = spin(End),
    halt(0).

spin(End) ->
    R = fib(20),
    case erlang:monotonic_time(millisecond) >= End of
        true -> R;
        false -> spin(End)
    end.

fib(0) -> 0;
fib(1) -> 1;
fib(N) -> fib(N - 1) + fib(N - 2).
