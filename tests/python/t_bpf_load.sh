# t_bpf_load.sh - loading the BPF program stays cheap.  The verifier's work
# (the instructions it processed: a count that does not depend on timing)
# is bounded: a frame counter kept on the stack once made the verifier
# follow every count it could reach, ~400,000 instructions and ~1 s of
# kernel CPU at every `flamer record` start (fresh-clone run 25:
# t_record_all's process, started 1 s after the recorder, began its sleep
# before the recording did).  Now ~1,300.  --no-python loads nothing.
# Where BPF can work (root, the kernel's BTF), the program must load: the
# other BPF tests skip when it does not, so a program the verifier rejects
# fails here.
. tests/lib.sh
is_root || skip "loading BPF programs needs root"
[ -r /sys/kernel/btf/vmlinux ] || skip "no kernel BTF (/sys/kernel/btf/vmlinux): flamer's BPF program needs it"
# `true` uses no CPU: exit 5 (no samples) is expected
FLAMER_BPF_DEBUG=1 "$FLAMER" record -d 0.1 -o "$T/x.data" -- true >/dev/null 2>"$T/err"
rc=$?
[ "$rc" -eq 0 ] || [ "$rc" -eq 5 ] || fail "record exited $rc: $(grep -v '^libbpf' "$T/err" | head -c 600)"
# (a rejected program's log has the statistics too)
! grep -qiE 'libbpf: .*(load failed|failed to load)' "$T/err" ||
	fail "the BPF program does not load as root with BTF: $(grep -iE 'libbpf: .*(load failed|failed to load)|^[0-9]+: |invalid|out of bounds' "$T/err" | tail -4)"
n=$(sed -n 's/^processed \([0-9][0-9]*\) insns.*/\1/p' "$T/err" | head -1)
if [ -z "$n" ]; then
	grep -q 'BEGIN PROG LOAD LOG' "$T/err" && fail "no verifier statistics in the load log: $(grep -A5 'BEGIN PROG LOAD LOG' "$T/err")"
	fail "the BPF program does not load as root with BTF: $(grep -i 'libbpf: .*\(fail\|error\|invalid\)' "$T/err" | head -3)"
fi
echo "verifier: $n instructions processed"
[ "$n" -le 20000 ] || fail "the verifier processed $n instructions (bound 20000): $(grep -m1 '^processed' "$T/err")"

FLAMER_BPF_DEBUG=1 "$FLAMER" record --no-python -d 0.1 -o "$T/y.data" -- true >/dev/null 2>"$T/err2"
rc=$?
[ "$rc" -eq 0 ] || [ "$rc" -eq 5 ] || fail "record --no-python exited $rc: $(head -c 600 "$T/err2")"
expect_no_grep 'BEGIN PROG LOAD LOG|libbpf' "$T/err2"
exit 0
