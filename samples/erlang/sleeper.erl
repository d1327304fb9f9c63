%% sleeper - an Erlang process that alternates about 10 ms of work
%% (work/1: naive Fibonacci until 10 ms have passed) and 30 ms of sleep
%% (nap/0: receive after 30), for the off-CPU tests.  It measures the
%% wall time of each phase itself and prints the running totals after
%% every work and sleep (so a test can take the totals of any window):
%%   sleeper work_us W sleep_us S
%% Run with one scheduler that sleeps at once when idle (+S 1 +sbwt none)
%% for the scheduler thread's off-CPU time to be the process's sleep.
%%   erl -noshell +JPperf map -pa DIR -run sleeper main SECONDS PIDFILE
-module(sleeper).
-export([main/1, work/1, nap/0, fib/1]).

main([Secs, PidFile]) ->
    ok = file:write_file(PidFile, os:getpid()),
    End = now_us() + list_to_integer(Secs) * 1000000,
    {W, S} = loop(End, 0, 0),
    io:format("sleeper work_us ~B sleep_us ~B~n", [W, S]),
    halt(0).

now_us() -> erlang:monotonic_time(microsecond).

loop(End, W, S) ->
    T0 = now_us(),
    case T0 >= End of
        true -> {W, S};
        false ->
            work(T0 + 10000),
            T1 = now_us(),
            nap(),
            T2 = now_us(),
            W2 = W + T1 - T0,
            S2 = S + T2 - T1,
            io:format("sleeper work_us ~B sleep_us ~B~n", [W2, S2]),
            loop(End, W2, S2)
    end.

work(Until) ->
    _ = fib(15),
    case now_us() >= Until of
        true -> ok;
        false -> work(Until)
    end.

nap() ->
    receive after 30 -> ok end.

fib(0) -> 0;
fib(1) -> 1;
fib(N) -> fib(N - 1) + fib(N - 2).
