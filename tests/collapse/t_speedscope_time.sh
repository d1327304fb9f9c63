# t_speedscope_time.sh - speedscope for a recording: one "sampled" profile
# per thread, samples in time order with CPU-time weights (ns), checked on
# a Python program whose phases are known by construction: phase_a runs
# before phase_b, so every phase_a sample comes before every phase_b one.
# Collapsed input keeps the aggregate (unit "none", one sample a stack).
D=tests/collapse
py=/usr/bin/python3.11
[ -x "$py" ] || skip "no $py (Debian python3.11)"
command -v python3 >/dev/null || skip "python3 not installed"
cat >"$T/phases.py" <<'PY'
import time
def phase_a(t):
    end = time.process_time() + t
    while time.process_time() < end: pass
def phase_b(t):
    end = time.process_time() + t
    while time.process_time() < end: pass
phase_a(0.6)
phase_b(0.6)
PY
"$FLAMER" record -q -F 199 -o "$T/ph.data" -- "$py" "$T/phases.py" 2>"$T/rec.err" ||
	fail "record: $(cat "$T/rec.err")"
"$FLAMER" collapse --tid "$T/ph.data" >"$T/ph.folded" || fail "collapse"
"$FLAMER" collapse --format speedscope -o "$T/ph.json" "$T/ph.data" || fail "speedscope"
python3 "$D/schema_check.py" "$D/speedscope-schema.json" "$T/ph.json" >"$T/check" ||
	fail "schema: $(cat "$T/check")"
python3 - "$T/ph.json" "$T/ph.folded" <<'PY' || fail "speedscope time order"
import json, sys
d = json.load(open(sys.argv[1]))
frames = [f["name"] for f in d["shared"]["frames"]]
# samples per thread from the folded --tid output: "comm-PID/TID;thread;..."
want = {}
for line in open(sys.argv[2]):
    stack, n = line.rsplit(" ", 1)
    want[stack.split(";")[0]] = want.get(stack.split(";")[0], 0) + int(n)
period = round(1e9 / 199)
got = {}
main = None
for p in d["profiles"]:
    assert p["type"] == "sampled", p["type"]
    assert p["unit"] == "nanoseconds", p["unit"]
    assert len(p["samples"]) == len(p["weights"])
    assert all(w == period for w in p["weights"]), set(p["weights"])
    assert p["endValue"] - p["startValue"] == sum(p["weights"])
    key = p["name"].split(" ")[0]
    assert key not in got, "two profiles for " + key
    got[key] = len(p["samples"])
    seq = ""
    for s in p["samples"]:
        ph = [frames[i] for i in s if frames[i].startswith("phase_")]
        seq += ph[-1][6] if ph else "-"
    if "a" in seq:
        main = seq
assert got == want, (got, want)
assert main, "no thread ran phase_a"
na, nb = main.count("a"), main.count("b")
assert na >= 40 and nb >= 40, main
# time order: all of phase_a, then all of phase_b
assert main.rindex("a") < main.index("b"), main
PY
# collapsed input: today's aggregate
printf 'main;a 3\nmain;b 2\n' | "$FLAMER" collapse --format speedscope - >"$T/agg.json" || fail "aggregate"
python3 - "$T/agg.json" <<'PY' || fail "aggregate speedscope of collapsed input"
import json, sys
d = json.load(open(sys.argv[1]))
assert len(d["profiles"]) == 1
p = d["profiles"][0]
assert p["unit"] == "none" and p["weights"] == [3, 2], p
PY
