%% bifrot - ten Erlang functions, each calling one distinct C BIF, run in a
%% fixed rotation: the true Erlang caller of every BIF is known by
%% construction (f_t2b/1 is the only caller of term_to_binary/1, ...).
%% A late read of the Erlang stack would name the next function of the
%% rotation (issue 13); the BPF read at the sample must name f_k.
%%
%% No BIF call is a tail call (each f_k uses the result), so f_k keeps its
%% frame while its BIF runs.  Inputs are small enough that no BIF traps
%% (yields and continues in another C function).
%%
%%   erl -noshell +JPperf map -pa DIR -run bifrot main SECONDS PIDFILE
-module(bifrot).
-export([main/1, f_t2b/1, f_b2t/1, f_md5/1, f_crc/1, f_adler/1, f_phash/1,
         f_l2b/1, f_b2l/1, f_rev/1, f_ets/1]).

main([Secs, PidFile]) ->
    ok = file:write_file(PidFile, os:getpid()),
    End = erlang:monotonic_time(millisecond) + list_to_integer(Secs) * 1000,
    Term = [{I, <<"payload">>, [I, I + 1], "text", 3.25} || I <- lists:seq(1, 150)],
    Bin = term_to_binary(Term),
    Data = binary:copy(<<"0123456789abcdef">>, 200),
    List = lists:seq(1, 600),
    Chars = binary_to_list(Data),
    Tab = ets:new(t, [set, public]),
    Tuples = [{I, I} || I <- lists:seq(1, 300)],
    S = #{term => Term, bin => Bin, data => Data, list => List,
          chars => Chars, tab => Tab, tuples => Tuples},
    loop(S, End, 0),
    halt(0).

loop(S, End, N) ->
    case N rem 64 =:= 0 andalso erlang:monotonic_time(millisecond) >= End of
        true -> ok;
        false ->
            A = f_t2b(S) + f_b2t(S) + f_md5(S) + f_crc(S) + f_adler(S) +
                f_phash(S) + f_l2b(S) + f_b2l(S) + f_rev(S) + f_ets(S),
            loop(S, End, N + 1 + (A band 0))
    end.

f_t2b(#{term := T}) -> B = term_to_binary(T), byte_size(B) + 1.
f_b2t(#{bin := B}) -> T = binary_to_term(B), length(T) + 1.
f_md5(#{data := D}) -> M = erlang:md5(D), byte_size(M) + 1.
f_crc(#{data := D}) -> C = erlang:crc32(D), (C band 1) + 1.
f_adler(#{data := D}) -> C = erlang:adler32(D), (C band 1) + 1.
f_phash(#{term := T}) -> H = erlang:phash2(T), (H band 1) + 1.
f_l2b(#{chars := L}) -> B = list_to_binary(L), byte_size(B) + 1.
f_b2l(#{data := D}) -> L = binary_to_list(D), length(L) + 1.
f_rev(#{list := L}) -> R = lists:reverse(L, []), hd(R) + 1.
f_ets(#{tab := T, tuples := Ts}) -> true = ets:insert(T, Ts), 2.
