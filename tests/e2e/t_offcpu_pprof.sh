# t_offcpu_pprof.sh - off-CPU time as pprof's second profile type.  A
# --off-cpu recording of samples/c/waiter.c (main thread asleep under
# main_wait the whole run, two lockers contending in lock_wait, a thread
# alternating work and sleep) exported with --format pprof and read by
# `go tool pprof` (Debian golang-go):
# - four values per sample: samples/count, cpu/nanoseconds,
#   off_cpu/nanoseconds, wall/nanoseconds; a sample is either on-CPU
#   (off_cpu 0) or an off-CPU interval (samples and cpu 0), and its wall
#   value is the sum;
# - totals equal the folded outputs: samples = `collapse`, off_cpu =
#   `collapse --off-cpu` (microseconds x 1000), within rounding;
# - -sample_index=off_cpu puts the same time under main_wait and
#   lock_wait as the folded --off-cpu output, and -sample_index=samples
#   the same CPU samples under burn_until as `collapse`;
# - the type shown first is cpu by default, off_cpu with --off-cpu, wall
#   with --wall; a recording made without --off-cpu refuses --off-cpu
#   with one line and writes nothing.
. tests/e2e/e2elib.sh
need_sample waiter-nofp
is_root || skip "off-CPU recording needs kernel sampling (root)"
command -v go >/dev/null || skip "go not installed (golang-go)"
go tool pprof -h >/dev/null 2>&1 || skip "go tool pprof does not run"
export HOME=$T GOCACHE=$T/gocache PPROF_TMPDIR=$T
"$FLAMER" record --off-cpu -F 999 -o "$T/o.data" -- "$SAMPLES/waiter-nofp" -d 2 -w 10 -z 30 -l >/dev/null 2>"$T/o.err" ||
	fail "record --off-cpu exited $?: $(cat "$T/o.err")"
"$FLAMER" collapse -o "$T/cpu" "$T/o.data" || fail "collapse"
"$FLAMER" collapse --off-cpu -o "$T/off" "$T/o.data" || fail "collapse --off-cpu"
"$FLAMER" collapse --format pprof -o "$T/p.pb.gz" "$T/o.data" 2>"$T/p.err" || fail "pprof: $(cat "$T/p.err")"
go tool pprof -raw "$T/p.pb.gz" >"$T/raw" 2>"$T/raw.err" || fail "go tool pprof -raw: $(cat "$T/raw.err")"
expect_grep '^samples/count cpu/nanoseconds\[dflt\] off_cpu/nanoseconds wall/nanoseconds$' "$T/raw"
expect_grep '^PeriodType: cpu nanoseconds$' "$T/raw"

# each sample one kind, wall the sum; totals per kind
awk '/^Samples:/ { on = 1; next } /^Locations/ { on = 0 }
	on && /^ +[0-9]+ +[0-9]+ +[0-9]+ +[0-9]+:/ { sub(":", "", $4); lines++
		if ($4 != $2 + $3) { print "wall != cpu + off_cpu: " $0; bad++ }
		if (($1 || $2) && $3) { print "both kinds: " $0; bad++ }
		if ($3) off_lines++
		s += $1; off += $3 }
	END { printf "%d %.0f %d %d\n", s, off, lines, off_lines; exit bad > 0 }' "$T/raw" >"$T/sums" ||
	fail "$(head -5 "$T/sums")"
read -r s off lines off_lines <"$T/sums"
total=$(total_samples "$T/cpu")
[ "$total" -gt 100 ] || fail "only $total CPU samples"
[ "$s" = "$total" ] || fail "pprof samples total $s != folded total $total"
[ "$off_lines" -gt 10 ] || fail "only $off_lines off-CPU samples in the pprof"
# folded --off-cpu weights are microseconds (maybe fractional: shared
# time); pprof rounds each sample to a nanosecond
awk -v o="$off" -v n="$lines" '{ s += $NF } END { d = o - s * 1000; if (d < 0) d = -d; exit !(s > 1e6 && d <= n) }' "$T/off" ||
	fail "pprof off_cpu total $off ns != folded --off-cpu total $(total_samples "$T/off") us x 1000"

# per function: the same time as the folded output
# cum_us PROFILE INDEX FUNC: FUNC's cumulative value in microseconds
cum_us() {
	go tool pprof -top -cum -nodecount=1000 -unit=us -sample_index="$2" "$1" 2>"$T/top.err" |
		awk -v f="$3" '$NF == f { v = $4; sub("us$", "", v); print v + 0; found = 1 } END { if (!found) print 0 }'
}
for fn in main_wait lock_wait; do
	p=$(cum_us "$T/p.pb.gz" off_cpu $fn)
	want=$(samples_matching ";$fn;" "$T/off")
	echo "off-CPU under $fn: pprof $p us, folded $want us"
	[ "$want" -gt 100000 ] || fail "folded --off-cpu has only $want us under $fn"
	ratio_between "$p" "$want" 0.999 1.001
done
p=$(go tool pprof -top -cum -nodecount=1000 -sample_index=samples "$T/p.pb.gz" 2>/dev/null |
	awk '$NF == "burn_until" { print $4 + 0 }')
want=$(samples_matching ';burn_until(;| |$)' "$T/cpu")
echo "CPU samples under burn_until: pprof $p, folded $want"
[ "$want" -gt 50 ] && [ "$p" = "$want" ] || fail "burn_until: pprof ${p:-none} samples, folded $want"

# the type shown first
go tool pprof -top "$T/p.pb.gz" 2>&1 | grep -q '^Type: cpu$' || fail "default type is not cpu"
"$FLAMER" collapse --off-cpu --format pprof -o "$T/q.pb.gz" "$T/o.data" || fail "pprof --off-cpu"
go tool pprof -top "$T/q.pb.gz" 2>&1 | grep -q '^Type: off_cpu$' || fail "--off-cpu: type is not off_cpu"
"$FLAMER" collapse --wall --format pprof -o "$T/w.pb.gz" "$T/o.data" || fail "pprof --wall"
go tool pprof -top "$T/w.pb.gz" 2>&1 | grep -q '^Type: wall$' || fail "--wall: type is not wall"
# the same profile otherwise
go tool pprof -raw "$T/q.pb.gz" 2>/dev/null | sed -n '/^Samples:/,$p' >"$T/q.raw"
sed -n '/^Samples:/,$p' "$T/raw" | sed 's/\[dflt\]//' >"$T/p.raw"
sed -i 's/\[dflt\]//' "$T/q.raw"
grep -q 'off_cpu/nanoseconds' "$T/q.raw" && cmp -s "$T/p.raw" "$T/q.raw" ||
	fail "--off-cpu changed the profile, not only its first type"

# a CPU-only recording: no off-CPU types, and --off-cpu refused
"$FLAMER" record -q -o "$T/plain.data" -- "$SAMPLES/waiter-nofp" -d 0.3 -s >/dev/null 2>&1 || fail "plain record"
"$FLAMER" collapse --format pprof -o "$T/c.pb.gz" "$T/plain.data" || fail "pprof of a CPU recording"
go tool pprof -raw "$T/c.pb.gz" 2>/dev/null | grep -q '^samples/count cpu/nanoseconds$' || fail "CPU recording: sample types"
expect_exit 1 "$FLAMER" collapse --off-cpu --format pprof -o "$T/x.pb.gz" "$T/plain.data"
expect_grep '^flamer: [^ ]*plain.data: no off-CPU intervals for --off-cpu: recorded without --off-cpu$' "$T/stderr"
[ "$(wc -l <"$T/stderr")" -eq 1 ] || fail "more than one line: $(cat "$T/stderr")"
[ ! -e "$T/x.pb.gz" ] || fail "pprof output written despite the error"
exit 0
