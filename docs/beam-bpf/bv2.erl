-module(bv2).
-export([start/0]).
start() ->
    T = lists:seq(1, 20000),
    register(burner, spawn(fun() -> burn(T) end)),
    L = lists:seq(1, 300000),
    register(gcer, spawn(fun() -> gcer(L) end)),
    register(dirt, spawn(fun() -> dw() end)),
    ok.
burn(T) -> _ = fib(16), _ = enc(T), burn(T).
enc(T) -> B = term_to_binary(T), byte_size(B).
fib(0) -> 0; fib(1) -> 1; fib(N) -> fib(N - 1) + fib(N - 2).
gcer(L) -> erlang:garbage_collect(), gcer(L).
dw() -> R = erts_debug:dirty_cpu(wait, 20), dwr(R).
dwr(_) -> dw().
