# t_pprof_go.sh - flamer's pprof of a recording read by `go tool pprof`
# (Debian golang-go): sample types samples/count and cpu/nanoseconds with
# the real period, PeriodType cpu nanoseconds, time and duration, one
# mapping per module with the recorded program first (path, build-id,
# range), thread/pid/tid labels, and totals equal to the folded output.
. tests/e2e/e2elib.sh
need_sample bench-fp
command -v go >/dev/null || skip "go not installed (golang-go)"
go tool pprof -h >/dev/null 2>&1 || skip "go tool pprof does not run"
export HOME=$T GOCACHE=$T/gocache PPROF_TMPDIR=$T
"$FLAMER" record -q -F 99 -o "$T/r.data" -- "$SAMPLES/bench-fp" 200 >/dev/null 2>"$T/rec.err" ||
	fail "record: $(cat "$T/rec.err")"
fold "$T/r.data" --pid
"$FLAMER" collapse --format pprof -o "$T/r.pb.gz" "$T/r.data" || fail "pprof export"
go tool pprof -raw "$T/r.pb.gz" >"$T/raw" 2>"$T/raw.err" || fail "go tool pprof -raw: $(cat "$T/raw.err")"
expect_grep '^PeriodType: cpu nanoseconds$' "$T/raw"
expect_grep '^Period: 10101010$' "$T/raw"
expect_grep '^samples/count cpu/nanoseconds$' "$T/raw"
expect_grep "^Time: $(date -u +%Y-%m-%d) " "$T/raw"
dur=$(sed -n 's/^Duration: //p' "$T/raw")
awk -v d="$dur" 'BEGIN { exit !(d + 0 >= 0.5 && d + 0 <= 60) }' || fail "Duration '$dur'"
# mappings: the program first, with its build-id; libc too
bid=$(readelf -n "$SAMPLES/bench-fp" | sed -n 's/.*Build ID: //p')
[ -n "$bid" ] || fail "no build-id in bench-fp"
sed -n '/^Mappings/,$p' "$T/raw" >"$T/maps"
first=$(sed -n 2p "$T/maps")
echo "$first" | grep -Eq "^1: 0x[0-9a-f]+/0x[0-9a-f]+/0x[0-9a-f]+ $(readlink -f "$SAMPLES/bench-fp") $bid " ||
	fail "first mapping is not bench-fp with its build-id: $(cat "$T/maps")"
range=$(echo "$first" | cut -d' ' -f2)
lo=$(echo "$range" | cut -d/ -f1) hi=$(echo "$range" | cut -d/ -f2)
[ $((lo)) -gt 0 ] && [ $((hi)) -gt $((lo)) ] || fail "bench-fp's mapping has no address range: $first"
expect_grep ' /[^ ]*/libc\.so\.6 [0-9a-f]{40} ' "$T/maps"
# every user location of bench-fp's functions names its mapping
expect_grep '^ +[0-9]+: 0x0 M=1 descend ' "$T/raw"
# labels: thread, and the pid the folded root names
pid=$(sed -n 's/^bench-fp-\([0-9]*\);.*/\1/p' "$T/r.data.folded" | head -1)
[ -n "$pid" ] || fail "no bench-fp-PID root"
expect_grep "^ +pid:\\[$pid\\] tid:\\[$pid\\]" "$T/raw"
expect_grep "^ +thread:\\[bench-fp-$pid/$pid bench-fp\\]" "$T/raw"
# totals: samples equal the folded total, cpu = samples x period
total=$(total_samples "$T/r.data.folded")
[ "$total" -gt 50 ] || fail "only $total samples"
awk '/^Samples:/ { on = 1; next } /^Locations/ { on = 0 }
	on && /^ +[0-9]+ +[0-9]+:/ { s += $1; c += $2 + 0 } END { printf "%d %.0f\n", s, c }' "$T/raw" >"$T/sums"
read -r s c <"$T/sums"
[ "$s" = "$total" ] || fail "pprof samples total $s != folded total $total"
# each value is its count x 1e9/99 ns rounded: within 1 ns per sample line
lines=$(awk '/^Samples:/ { on = 1; next } /^Locations/ { on = 0 } on && /^ +[0-9]+ +[0-9]+:/ { n++ } END { print n + 0 }' "$T/raw")
awk -v c="$c" -v t="$total" -v n="$lines" 'BEGIN { d = c - t * 1e9 / 99; if (d < 0) d = -d; exit !(d <= n) }' ||
	fail "pprof cpu total $c ns is not $total samples x 1e9/99 ns"
go tool pprof -top -sample_index=samples "$T/r.pb.gz" >"$T/top" 2>&1 || fail "-top: $(cat "$T/top")"
expect_grep "of $total total" "$T/top"
go tool pprof -top "$T/r.pb.gz" >"$T/topcpu" 2>&1 || fail "-top cpu"
expect_grep '^Type: cpu$' "$T/topcpu"
expect_grep 'hot\.constprop|hot$' "$T/topcpu"
