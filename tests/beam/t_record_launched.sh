# t_record_launched.sh - Erlang VMs launched by `flamer record -- ...` get
# their Erlang frames: `erl +JPperf map` (myapp), `elixir` and `mix run`
# (samples/elixir/worker.exs, ELIXIR_ERL_OPTIONS="+JPperf map").  A
# launched VM writes /tmp/perf-PID.map only after its first samples (boot),
# so the recorder looks for it again every second; it must not tell the
# user the VM has no perf map.  For each: on the scheduler that ran the
# workload, at least 30 samples hold the workload's root function, at
# least 70 % of the thread's samples have Erlang frames (measured 85-98 %:
# boot, code loading and mix's compilation have theirs too; the rest is
# the scheduler's own loop), and the BIF samples name their caller; no
# "without a perf map" advice.  Without +JPperf map: no Erlang frame at
# all, and the advice is given once (at the end at the latest).
# As root, each launched VM is read by the BPF program (the summary says
# so) once it has booted.
# Elixir's anonymous functions read "anonymous fn/2 in Work.sums/1"
# (samples/elixir/anon.exs), never the compiler's "-sums/1-fun-0-".
. tests/beam/beamlib.sh
beam_require_erl
erlc -o "$T" samples/erlang/myapp.erl samples/erlang/fibm.erl || fail "erlc"

# an Erlang or Elixir function: "mod:fun/2", "A.B.fun/2"
ERLFRAME=';[^;]+/[0-9]+(;|$)'

# launched NAME ROOT_REGEX COMMAND... : records COMMAND, checks it.
launched() {
	local name=$1 re=$2 rc sched all with erl
	shift 2
	"$FLAMER" record -F 499 -o "$T/$name.data" -- "$@" >"$T/$name.out" 2>"$T/$name.err"
	rc=$?
	[ "$rc" -eq 4 ] && skip "perf_event_open not permitted: $(head -c 300 "$T/$name.err")"
	[ "$rc" -eq 0 ] || fail "$name: flamer record exited $rc: $(head -c 800 "$T/$name.err")"
	"$FLAMER" collapse -q --tid "$T/$name.data" >"$T/$name.tid" || fail "$name: collapse"
	# as root with BTF the BPF program loads (t_bpf_load fails if not)
	# and reads a launched VM too, once it has booted
	if is_root && [ -r /sys/kernel/btf/vmlinux ]; then
		expect_grep 'Erlang VM \(OTP [0-9]+\): Erlang frames and processes read at the sample \(BPF\)' "$T/$name.err"
	fi
	! grep -q 'without a perf map' "$T/$name.err" ||
		fail "$name: false advice: $(grep 'perf map' "$T/$name.err"; head -c 600 "$T/$name.err")"
	sched=$(busiest_thread "$T/$name.tid" "$re")
	[ -n "$sched" ] || { show_top "$T/$name.tid"; fail "$name: no sample matches $re"; }
	thread_lines "$T/$name.tid" "$sched" >"$T/$name.s"
	all=$(total_samples "$T/$name.s")
	with=$(samples_matching "$re" "$T/$name.s")
	erl=$(samples_matching "$ERLFRAME" "$T/$name.s")
	echo "$name: $with of $all samples on $sched hold the workload's root, $erl have Erlang frames"
	[ "$with" -ge 30 ] || fail "$name: only $with samples with $re"
	[ $((erl * 100)) -ge $((all * 70)) ] || { show_top "$T/$name.s"; fail "$name: $erl of $all samples have Erlang frames"; }
}

launched erl ';myapp:main/1;myapp:loop/3;' \
	erl -noshell -noinput +JPperf map -pa "$T" -run myapp main 3 "$T/erl.pid"
expect_grep ';myapp:encode/1;call_light_bif_shared_\[j\];term_to_binary_1' "$T/erl.s"

if command -v elixir >/dev/null; then
	ELIXIR_ERL_OPTIONS="+JPperf map" launched elixir ';MyApp\.Worker\.run/2;' \
		elixir samples/elixir/worker.exs 3 "$T/ex.pid"
	expect_grep ';MyApp\.Worker\.pack/1;call_light_bif_shared_\[j\];term_to_binary_1' "$T/elixir.s"
	# anonymous functions read as Elixir writes them (measured: 15-20 %
	# of the samples of samples/elixir/anon.exs are in its fn)
	ELIXIR_ERL_OPTIONS="+JPperf map" launched anon ';Work\.loop/2;' \
		elixir samples/elixir/anon.exs 2
	n=$(samples_matching ';Work\.loop/2;([^;]*;)*anonymous fn/2 in Work\.sums/1( |;|$)' "$T/anon.s")
	[ "$n" -ge 10 ] || { show_top "$T/anon.s"; fail "anon: $n samples in 'anonymous fn/2 in Work.sums/1'"; }
	# (Erlang modules keep Erlang's names: init:'-prepare_loading_fun/0-fun-0-'/3)
	expect_no_grep ';[A-Z][A-Za-z0-9_.]*\.-[^;]*-fun-[0-9]+-' "$T/anon.tid"
	expect_grep ';anonymous fn/[0-9]+ in [A-Z][^;]*/[0-9]+(;| )' "$T/anon.tid"
fi

if command -v mix >/dev/null; then
	mkdir -p "$T/proj"
	cat >"$T/proj/mix.exs" <<'EOF'
defmodule Work.MixProject do
  use Mix.Project
  def project, do: [app: :work, version: "0.1.0"]
end
EOF
	(cd "$T/proj" && MIX_HOME="$T/mixhome" mix compile >"$T/mix.compile" 2>&1) ||
		fail "mix compile: $(cat "$T/mix.compile")"
	MIX_HOME="$T/mixhome" ELIXIR_ERL_OPTIONS="+JPperf map" launched mix ';MyApp\.Worker\.run/2;' \
		sh -c 'cd "$1" && exec mix run "$2" 3 "$3"' sh "$T/proj" "$PWD/samples/elixir/worker.exs" "$T/mix.pid"
fi

# without the flag: the advice, once
"$FLAMER" record -F 499 -o "$T/nomap.data" -- erl -noshell -noinput -pa "$T" -run myapp main 1 "$T/nomap.pid" \
	>"$T/nomap.out" 2>"$T/nomap.err" || fail "nomap: flamer record exited $?: $(head -c 800 "$T/nomap.err")"
"$FLAMER" collapse -q "$T/nomap.data" >"$T/nomap.folded" || fail "nomap: collapse"
[ "$(samples_matching "$ERLFRAME" "$T/nomap.folded")" -eq 0 ] || fail "nomap: Erlang frames without a perf map"
n=$(grep -c 'Erlang VM without a perf map' "$T/nomap.err")
[ "$n" -eq 1 ] || fail "nomap: the advice was given $n times: $(cat "$T/nomap.err")"
exit 0
