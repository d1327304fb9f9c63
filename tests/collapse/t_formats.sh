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

# a recording's locations, decoded independently of go tool pprof: user
# locations have an address inside their mapping; hot_inline's (inlined
# into inl_outer at line 54, its loop at lines 26-27) carry both lines,
# innermost first; every id a sample or line names is defined; totals
[ -x samples/bin/inl-fp ] || skip "samples/bin/inl-fp not built (make samples)"
"$FLAMER" record -q --inline -F 499 -o "$T/inl.data" -- samples/bin/inl-fp -d 1 >/dev/null 2>"$T/rec.err" ||
	fail "record inl-fp: $(cat "$T/rec.err")"
"$FLAMER" collapse -q -o "$T/inl.folded" "$T/inl.data" || fail "fold inl"
"$FLAMER" collapse -q --format pprof -o "$T/inl.pb.gz" "$T/inl.data" || fail "pprof inl"
gzip -dc "$T/inl.pb.gz" | protoc --decode perftools.profiles.Profile \
	-I collapse/pprof collapse/pprof/profile.proto >"$T/inl.txt" || fail "protoc cannot decode inl's pprof"
python3 - "$T/inl.txt" "$(total_samples "$T/inl.folded")" <<'PY' || fail "pprof locations of a recording"
import re, sys
t = open(sys.argv[1]).read()
total = int(sys.argv[2])
strings = [bytes(s, "utf-8").decode("unicode_escape") for s in re.findall(r'^string_table: "(.*)"$', t, re.M)]
def blocks(kind):
    return re.findall(r'^%s \{\n(.*?)^\}' % kind, t, re.M | re.S)
def field(b, name, default=0):
    m = re.search(r'^  %s: (\d+)$' % name, b, re.M)
    return int(m.group(1)) if m else default
maps = {field(b, "id"): (field(b, "memory_start"), field(b, "memory_limit")) for b in blocks("mapping")}
funcs = {field(b, "id"): (strings[field(b, "name")], strings[field(b, "filename")]) for b in blocks("function")}
locs = {}
for b in blocks("location"):
    lines = [(int(f), int(l or 0)) for f, l in
             re.findall(r'^  line \{\n    function_id: (\d+)\n(?:    line: (\d+)\n)?  \}', b, re.M)]
    assert lines and all(f in funcs for f, _ in lines), b
    locs[field(b, "id")] = (field(b, "mapping_id"), field(b, "address"), lines)
withaddr = 0
for i, (m, a, lines) in locs.items():
    if m and a:
        lo, hi = maps[m]
        assert lo <= a < hi, (i, hex(a), hex(lo), hex(hi))
        withaddr += 1
assert withaddr >= 3, withaddr
chains = [[(funcs[f][0], funcs[f][1].rsplit("/", 1)[-1], l) for f, l in lines]
          for m, a, lines in locs.values() if len(lines) > 1]
ok = [c for c in chains if c[0][0] == "hot_inline_[i]" and c[0][1] == "inl.c" and c[0][2] in (26, 27)
      and c[1] == ("inl_outer", "inl.c", 54)]
assert ok, chains
s = 0
for b in blocks("sample"):
    ids = [int(x) for x in re.findall(r'^  location_id: (\d+)$', b, re.M)]
    assert ids and all(x in locs for x in ids), b
    s += int(re.findall(r'^  value: (\d+)$', b, re.M)[0])
assert s == total, (s, total)
PY

# lines are looked up after sampling stops, never while sampling: a
# recording cut by SIGKILL has its locations (addresses inside their
# mappings) and no line at all, and still converts (exit 3, partial)
"$FLAMER" record -q --inline -F 499 -o "$T/cut.data" -- samples/bin/inl-fp -d 20 -p "$T/inl.pid" >/dev/null 2>&1 &
rec=$!
for i in $(seq 50); do [ -s "$T/inl.pid" ] && break; sleep 0.1; done
sleep 2.5 # two block flushes (one a second)
kill -9 "$rec"
wait "$rec" 2>/dev/null
kill "$(cat "$T/inl.pid")" 2>/dev/null
# a killed recorder leaves its temporary file (common/outfile.h)
cut=$(ls "$T"/cut.data.tmp-* 2>/dev/null | head -1)
[ -s "$cut" ] || fail "no temporary recording left by the killed recorder: $(ls "$T")"
rc=0
"$FLAMER" collapse -q --format pprof -o "$T/cut.pb.gz" "$cut" 2>"$T/cut.err" || rc=$?
[ "$rc" = 3 ] || fail "pprof of a cut recording: exit $rc (want 3): $(cat "$T/cut.err")"
gzip -dc "$T/cut.pb.gz" | protoc --decode perftools.profiles.Profile \
	-I collapse/pprof collapse/pprof/profile.proto >"$T/cut.txt" || fail "protoc cannot decode the cut pprof"
python3 - "$T/cut.txt" <<'PY' || fail "locations of a cut recording"
import re, sys
t = open(sys.argv[1]).read()
def blocks(kind):
    return re.findall(r'^%s \{\n(.*?)^\}' % kind, t, re.M | re.S)
def field(b, name):
    m = re.search(r'^  %s: (\d+)$' % name, b, re.M)
    return int(m.group(1)) if m else 0
maps = {field(b, "id"): (field(b, "memory_start"), field(b, "memory_limit")) for b in blocks("mapping")}
n = 0
for b in blocks("location"):
    assert not re.search(r'^    line: ', b, re.M), "a line in a cut recording: " + b
    m, a = field(b, "mapping_id"), field(b, "address")
    if m and a:
        assert maps[m][0] <= a < maps[m][1], b
        n += 1
assert n >= 3, n
PY
exit 0
