# t_progress.sh - on a terminal, the record progress line is cleared
# before the launched command's own output and at the end; the command
# still sees a terminal, and a line it leaves unfinished (a prompt) is not
# overwritten.  Runs flamer under a pseudo-terminal and reads every byte.
. tests/e2e/e2elib.sh
need_sample bench-fp
command -v python3 >/dev/null || skip "python3 not installed"
python3 - "$FLAMER" "$T" "$(readlink -f "$SAMPLES/bench-fp")" <<'PY' || fail "progress line: see above"
import os, pty, re, select, subprocess, sys, time
flamer, tmp, bench = sys.argv[1:4]
CLEAR = b"\r\x1b[K"

def run(cmd):
    m, s = pty.openpty()
    p = subprocess.Popen([flamer, "record", "-F", "99", "-o", tmp + "/p.data", "--"] + cmd,
                         stdin=s, stdout=s, stderr=s, cwd=tmp)
    os.close(s)
    out = b""
    while True:
        r, _, _ = select.select([m], [], [], 30)
        if not r:
            p.kill(); raise SystemExit("timeout; got %r" % out[-500:])
        try:
            d = os.read(m, 65536)
        except OSError:
            break
        if not d:
            break
        out += d
    p.wait()
    return p.returncode, out

# a busy phase (progress lines), then the command writes, then busy again
script = ("%s 150 >/dev/null; test -t 1 && echo TTY-YES; echo ERR-1 >&2; echo OUT-2; "
          "%s 150 >/dev/null; printf 'PROMPT> '; %s 100 >/dev/null; echo" % (bench, bench, bench))
rc, out = run(["sh", "-c", script])
assert rc == 0, (rc, out[-500:])
assert b"flamer: recording" in out, out[:300]
assert b"TTY-YES" in out, "the command did not see a terminal: %r" % out[-500:]
i = out.index(b"TTY-YES")
before = out[:i]
last_draw = before.rfind(b"flamer: recording")
assert last_draw >= 0, "no progress line before the command's output: %r" % before[-300:]
# after the last progress line drawn, the line was cleared before TTY-YES
tail = before[last_draw:]
assert CLEAR in tail, "progress line not cleared before the command's output: %r" % tail
assert tail.endswith(CLEAR), "bytes between the clear and the output: %r" % tail
# stdout and stderr keep their order on one terminal
assert re.search(rb"TTY-YES\r?\n(\r\x1b\[K)?ERR-1\r?\n(\r\x1b\[K)?OUT-2", out), out[i:i + 200]
# a prompt left unfinished is not overwritten by the progress line
j = out.index(b"PROMPT> ")
after = out[j + len(b"PROMPT> "):]
k = after.find(b"\n")
assert k >= 0, after[:200]
assert b"flamer: recording" not in after[:k], "progress drawn over the prompt: %r" % after[:k]
# at the end: the last progress line is cleared before the summary
s = out.rindex(b"samples, ")
summ = out.rfind(b"flamer: ", 0, s)
end = out[:summ]
last_draw = end.rfind(b"flamer: recording")
if last_draw >= 0:
    assert CLEAR in end[last_draw:], "progress line not cleared at the end: %r" % end[last_draw:]
print("ok")
PY
