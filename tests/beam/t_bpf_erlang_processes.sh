# t_bpf_erlang_processes.sh - `flamer collapse --erlang-processes` puts the
# Erlang process of each sample right under the thread frame, read at the
# sample by BPF (issue 13; docs/beam-bpf.md section 5, test 2).  The
# workload (samples/erlang/procs.erl) has registered processes hot (three
# work units for each of warm's: 3/4 of their CPU by construction), warm
# and cold (asleep), and an unregistered busy one; it writes the text of
# every process of the node ("name <0.N.S>" or pid_to_list) to a file.
# Checked: hot's share of hot + warm within 0.75 +- 10%; the texts are
# exactly the workload's; no sample names a process the node did not
# have; most samples of the scheduler have a process; without the option
# no process frame appears.  Then the same node launched under the recorder
# (`flamer record -- erl ...`): read by BPF once booted, the same shares.
. tests/lib.sh
. tests/beam/beamlib.sh
beam_require_erl
beam_require_bpf
export ERL_FLAGS="+S 1:1"
beam_record procs 3
grep -q 'Erlang frames and processes read at the sample (BPF)' "$T/rec.err" ||
	fail "the VM was not read by BPF: $(head -c 800 "$T/rec.err")"
"$FLAMER" collapse --tid --erlang-processes -q "$T/rec" >"$T/p.folded" ||
	fail "collapse --erlang-processes failed"
PROC='^([A-Za-z_][A-Za-z_0-9@.]* )?<0\.[0-9]+\.[0-9]+>$'
# the frame right under the thread's name, per sample
awk -v re="$PROC" '{ n = $NF; sub(/ [0-9]+$/, ""); split($0, f, ";")
	if (f[3] ~ re) s[f[3]] += n; else none += n }
	END { for (k in s) print s[k] "\t" k; print none + 0 "\t(none)" }' \
	"$T/p.folded" | sort -rn >"$T/shares"
cat "$T/shares"
sort -u "$T/pid.procs" >"$T/known"
hot_text=$(grep '^hot <' "$T/known") || fail "the workload wrote no hot process"
warm_text=$(grep '^warm <' "$T/known") || fail "the workload wrote no warm process"
busy_text=$(cat "$T/pid.busy")
share() { awk -F'\t' -v k="$1" '$2 == k { print $1; f = 1 } END { if (!f) print 0 }' "$T/shares"; }
hot=$(share "$hot_text")
warm=$(share "$warm_text")
busy=$(share "$busy_text")
none=$(share "(none)")
all=$(total_samples "$T/p.folded")
echo "hot '$hot_text' $hot, warm '$warm_text' $warm, busy '$busy_text' $busy, no process $none, all $all"
[ $((hot + warm)) -ge 200 ] || fail "only $((hot + warm)) samples of hot and warm"
ratio_between "$hot" $((hot + warm)) 0.675 0.825
ratio_between "$busy" "$all" 0.15 1
# the scheduler's own work (its loop, no process): 41-90 of ~1,490
# samples in most runs, once 153 (10.3%) on an idle machine
ratio_between "$none" "$all" 0 0.15
# every process named is one the node had, spelled as the node spells it
cut -f2 "$T/shares" | grep -v '^(none)$' | while IFS= read -r p; do
	grep -qxF -- "$p" "$T/known" || fail "a sample names '$p', a process the workload did not list"
done || exit 1
# the same recording without the option: no process frames
"$FLAMER" collapse --tid -q "$T/rec" >"$T/n.folded" || fail "collapse"
awk -v re="$PROC" '{ sub(/ [0-9]+$/, ""); split($0, f, ";"); if (f[3] ~ re) bad++ }
	END { exit bad > 0 }' "$T/n.folded" || fail "process frames without --erlang-processes"
# text input has no processes
"$FLAMER" collapse --erlang-processes "$T/n.folded" >/dev/null 2>"$T/err"
expect_grep 'only applies to flamer recordings' "$T/err"
# a node launched under the recorder is read by BPF too, once booted
beam_stop_keep() { [ -n "${BEAM_PID:-}" ] && kill "$BEAM_PID" 2>/dev/null; wait "$BEAM_LAUNCHER" 2>/dev/null; rm -f "/tmp/perf-$BEAM_PID.map"; BEAM_PID=; }
beam_stop_keep
mkdir -p "$T/l"
erlc -o "$T/l" samples/erlang/procs.erl || fail "erlc"
"$FLAMER" record -F 499 -o "$T/l/rec" -- erl -noshell -noinput +JPperf map \
	-pa "$T/l" -run procs main 3 "$T/l/pid" 2>"$T/l/err" || fail "launched: $(head -c 600 "$T/l/err")"
BEAM_PID=$(cat "$T/l/pid" 2>/dev/null)
rm -f "/tmp/perf-$BEAM_PID.map"
expect_grep 'Erlang frames and processes read at the sample \(BPF\)' "$T/l/err"
"$FLAMER" collapse --erlang-processes -q "$T/l/rec" >"$T/l/f" || fail "collapse"
lhot=$(samples_matching '^beam\.smp;hot <0\.[0-9]+\.[0-9]+>;' "$T/l/f")
lwarm=$(samples_matching '^beam\.smp;warm <0\.[0-9]+\.[0-9]+>;' "$T/l/f")
echo "launched: hot $lhot, warm $lwarm"
[ $((lhot + lwarm)) -ge 200 ] || fail "launched: only $((lhot + lwarm)) samples of hot and warm"
ratio_between "$lhot" $((lhot + lwarm)) 0.675 0.825
exit 0
