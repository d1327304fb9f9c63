# --format speedscope is valid against speedscope's schema and keeps the
# totals; --format pprof decodes with protoc against profile.proto and its
# sample values add up to the folded totals.
D=tests/collapse
command -v python3 >/dev/null || skip "python3 not installed"
for f in perf-system.txt perf-edge.txt stap-ubacktrace.txt; do
	"$FLAMER" collapse -q "$D/$f" >"$T/folded" 2>/dev/null || fail "folded $f"
	"$FLAMER" collapse -q --format speedscope -o "$T/ss.json" "$D/$f" 2>/dev/null || fail "speedscope $f"
	python3 "$D/schema_check.py" "$D/speedscope-schema.json" "$T/ss.json" "$T/folded" >"$T/check" ||
		fail "speedscope output of $f: $(cat "$T/check")"
done
# one profile per process for text input
"$FLAMER" collapse -q --format speedscope "$D/perf-system.txt" >"$T/sys.json"
python3 - "$T/sys.json" <<'PY' || fail "speedscope profiles per process"
import json, sys
d = json.load(open(sys.argv[1]))
names = [p["name"] for p in d["profiles"]]
assert "1_scheduler" in names and "tree-fp" in names, names
assert len(names) == len(set(names)), names
PY
# names are JSON-escaped and invalid UTF-8 replaced
printf 'a"b\\c;\x01ctl;bad\xff\xfeutf;ok\xc3\xa9 3\n' >"$T/nasty"
"$FLAMER" collapse -q --input folded --format speedscope "$T/nasty" >"$T/nasty.json" || fail "nasty names"
python3 "$D/schema_check.py" "$D/speedscope-schema.json" "$T/nasty.json" >/dev/null || fail "nasty json invalid"
python3 - "$T/nasty.json" <<'PY' || fail "escaping"
import json, sys
d = json.load(open(sys.argv[1], encoding="utf-8"))
names = [f["name"] for f in d["shared"]["frames"]]
assert names == ['a"b\\c', '\x01ctl', 'bad\ufffd\ufffdutf', 'ok\u00e9'], names
PY

command -v protoc >/dev/null || skip "protoc not installed (protobuf-compiler)"
for f in perf-system.txt perf-kernel.txt stap-ubacktrace.txt; do
	"$FLAMER" collapse -q "$D/$f" >"$T/folded" 2>/dev/null
	"$FLAMER" collapse -q --format pprof -o "$T/p.pb.gz" "$D/$f" 2>/dev/null || fail "pprof $f"
	gzip -t "$T/p.pb.gz" || fail "pprof output of $f is not gzip"
	gzip -dc "$T/p.pb.gz" | protoc --decode perftools.profiles.Profile \
		-I collapse/pprof collapse/pprof/profile.proto >"$T/p.txt" ||
		fail "protoc cannot decode the pprof output of $f"
	got=$(awk '/^  value: /{ s += $2 } END { printf "%d", s }' "$T/p.txt")
	want=$(total_samples "$T/folded")
	[ "$got" = "$want" ] || fail "pprof total $got != folded total $want for $f"
	nsamples=$(grep -c '^sample {' "$T/p.txt")
	[ "$nsamples" -eq "$(wc -l <"$T/folded")" ] || fail "pprof has $nsamples samples for $(wc -l <"$T/folded") stacks"
	expect_grep '^string_table: "samples"$' "$T/p.txt"
done
# the leaf is location_id[0]: a stack "a;b;c" gives c's function first
printf 'root;mid;leafy 7\n' | "$FLAMER" collapse -q --input folded --format pprof - | gzip -dc |
	protoc --decode perftools.profiles.Profile -I collapse/pprof collapse/pprof/profile.proto >"$T/one.txt"
python3 - "$T/one.txt" <<'PY' || fail "pprof location order"
import re, sys
t = open(sys.argv[1]).read()
strings = re.findall(r'^string_table: "(.*)"$', t, re.M)
locs = [int(x) for x in re.findall(r'^  location_id: (\d+)$', t, re.M)]
names = re.findall(r'^function \{\n  id: (\d+)\n  name: (\d+)', t, re.M)
assert strings[0] == "", strings
byid = {int(i): strings[int(n)] for i, n in names}
assert [byid[l] for l in locs] == ["leafy", "mid", "root"], [byid[l] for l in locs]
PY
exit 0
