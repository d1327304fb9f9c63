%% dirty - work on the dirty-CPU schedulers, asked for by known Erlang
%% code: a registered process gcer keeps a 300,000-element list live and
%% collects its own heap in a loop (gcer/1 -> gc_once/1 ->
%% erlang:garbage_collect/0); a heap that large is collected on a dirty-CPU
%% scheduler, so nearly all of their busy samples are this process's
%% collections.
%%
%%   erl -noshell +JPperf map -pa DIR -run dirty main SECONDS PIDFILE
-module(dirty).
-export([main/1, gcer/1, gc_once/1]).

main([Secs, PidFile]) ->
    register(gcer, spawn(?MODULE, gcer, [lists:seq(1, 300000)])),
    ok = file:write_file(PidFile, os:getpid()),
    timer:sleep(list_to_integer(Secs) * 1000),
    halt(0).

gcer(L) ->
    N = gc_once(L),
    gcer(tl([N | L])).

gc_once(L) ->
    true = erlang:garbage_collect(),
    length(L).
