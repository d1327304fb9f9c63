# t_firstrun.sh - the paper cuts of a first session (issue 15): --version,
# `flamer svg`/`diff` on a recording, a recording given as collapsed text,
# `flamer svg` waiting on a terminal, an idle target's exit code.
. tests/e2e/e2elib.sh
need_sample bench-fp
command -v xmllint >/dev/null || skip "xmllint not installed (libxml2-utils)"

# --version, and --help says so
expect_exit 0 "$FLAMER" --version
expect_grep '^flamer [0-9]+\.[0-9]+\.[0-9]+' "$T/stdout"
expect_exit 0 "$FLAMER" --help
expect_grep '^  --version' "$T/stdout"
expect_grep '^  5  ' "$T/stdout"
expect_exit 0 "$FLAMER" record --help
grep -Eq '(^|[^0-9])5 no samples' "$T/stdout" || fail "record --help does not document exit code 5"

# an idle target: a clear note and exit 5; the empty recording is kept
expect_exit 5 "$FLAMER" record -o "$T/idle.data" -d 1 -- sleep 5
expect_grep 'no samples were taken' "$T/stderr"
[ -s "$T/idle.data" ] || fail "the idle recording was not kept"
expect_exit 0 "$FLAMER" collapse --format speedscope "$T/idle.data"
expect_exit 1 "$FLAMER" svg "$T/idle.data"
expect_grep 'no samples' "$T/stderr"
expect_no_grep 'malformed' "$T/stderr"

# svg straight from a recording: same graph as collapse | svg, no
# "malformed", metadata in <desc> and the subtitle
record "$T/r.data" -F 199 -- "$SAMPLES/bench-fp" 300
fold "$T/r.data"
expect_exit 0 "$FLAMER" svg -o "$T/direct.svg" "$T/r.data"
expect_no_grep 'malformed' "$T/stderr"
xmllint --noout "$T/direct.svg" || fail "direct.svg is not well-formed"
"$FLAMER" svg <"$T/r.data.folded" >"$T/piped.svg" || fail "svg of the folded text"
# titles, x, widths and colours (y moves with the subtitle's row)
frames() { grep '<g><title>' "$1" | sed 's/ y="[^"]*"//g'; }
diff <(frames "$T/piped.svg") <(frames "$T/direct.svg") >"$T/frames.diff" ||
	fail "svg of the recording draws other frames than collapse | svg: $(head -5 "$T/frames.diff")"
total=$(total_samples "$T/r.data.folded")
[ "$total" -gt 50 ] || fail "only $total samples"
expect_grep "<title>all \\($total samples" "$T/direct.svg"
expect_grep '^command: .*/bench-fp 300$' "$T/direct.svg"
expect_grep '^rate: 199 Hz$' "$T/direct.svg"
expect_grep "^samples: $total\$" "$T/direct.svg"
expect_grep '^date: 20[0-9][0-9]-[0-9][0-9]-[0-9][0-9] ' "$T/direct.svg"
expect_grep '^flamer version: [0-9]' "$T/direct.svg"
expect_grep '^duration: [0-9]+\.[0-9] s$' "$T/direct.svg"
expect_grep '^pid: [1-9][0-9]*$' "$T/direct.svg"
expect_grep "<text id=\"subtitle\"[^>]*>[^<]*bench-fp 300 \\(pid [0-9]+\\), 199 Hz, $total samples, [0-9.]+ s, 20" "$T/direct.svg"
# --subtitle wins over the recording's; the metadata stays in <desc>
expect_exit 0 "$FLAMER" svg --subtitle mine "$T/r.data"
expect_grep '<text id="subtitle"[^>]*>mine</text>' "$T/stdout"
expect_grep '<desc id="recording">' "$T/stdout"
# from a pipe too
"$FLAMER" svg <"$T/r.data" >"$T/stdin.svg" || fail "svg < recording"
cmp -s "$T/stdin.svg" "$T/direct.svg" || fail "svg < recording differs from svg FILE"
# collapsed input carries no recording metadata
expect_no_grep 'id="recording"' "$T/piped.svg"

# diff of two recordings: no change, every frame's before equals its count
expect_exit 0 "$FLAMER" diff "$T/r.data" "$T/r.data"
expect_no_grep 'malformed' "$T/stderr"
expect_grep "<title>all \\($total samples, 100%; before $total," "$T/stdout"
# and a recording against its own folded text
expect_exit 0 "$FLAMER" diff "$T/r.data.folded" "$T/r.data"

# a recording where collapsed text was asked for is named and read
expect_exit 0 "$FLAMER" collapse --input folded "$T/r.data"
expect_grep 'is a flamer recording' "$T/stderr"
cmp -s "$T/stdout" "$T/r.data.folded" || fail "collapse --input folded of a recording differs"

# a truncated recording: drawn up to the cut, exit 3
size=$(stat -c %s "$T/r.data")
head -c $((size - 20)) "$T/r.data" >"$T/cut.data"
"$FLAMER" svg "$T/cut.data" >"$T/cut.svg" 2>"$T/cut.err"
rc=$?
if grep -q 'no samples' "$T/cut.err"; then
	[ "$rc" -eq 1 ] || fail "cut recording without samples exited $rc"
else
	[ "$rc" -eq 3 ] || fail "svg of a truncated recording exited $rc, expected 3: $(cat "$T/cut.err")"
	expect_grep 'truncated' "$T/cut.err"
fi

# `flamer svg` with stdin on a terminal says it reads stdin
command -v python3 >/dev/null || skip "python3 not installed (terminal case)"
python3 - "$FLAMER" >"$T/tty.out" <<'PY' || fail "svg on a terminal: $(cat "$T/tty.out")"
import os, pty, subprocess, sys, time
m, s = pty.openpty()
p = subprocess.Popen([sys.argv[1], "svg"], stdin=s, stdout=subprocess.PIPE,
                     stderr=subprocess.PIPE)
os.close(s)
time.sleep(0.5)
os.write(m, b"a;b 3\n\x04")
out, err = p.communicate(timeout=10)
assert p.returncode == 0, (p.returncode, err)
assert b"reading collapsed stacks from stdin" in err, err
assert b"<title>b (3 samples" in out, out[-300:]
PY
exit 0
