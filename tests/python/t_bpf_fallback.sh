# t_bpf_fallback.sh - without BPF, flamer records Python as before and says
# once why BPF is off (issue 13):
# - as nobody (setpriv; BPF needs root): `flamer record` of Debian's
#   python3.11 running samples/python/callers.py exits 0, prints one note
#   "BPF is not available: ... (needs root or CAP_BPF and CAP_PERFMON)",
#   and its stacks still have the f_* Python callers (live read);
# - as root with FLAMER_NO_BPF=1: the same note is not printed (turned
#   off on purpose), no BPF summary line, Python frames present.
. tests/lib.sh
is_root || skip "needs root to switch to nobody"
command -v setpriv >/dev/null || skip "setpriv not installed"
py=/usr/bin/python3.11
[ -x "$py" ] || skip "no $py"
dir=$(mktemp -d /tmp/flamer-bpffb.XXXXXX)
trap 'rm -rf "$dir"' EXIT
chmod 755 "$dir"
cp samples/python/callers.py "$dir/" && chmod 644 "$dir/callers.py"
install -d -m 777 "$dir/out"
( cd "$dir/out" && setpriv --reuid=nobody --regid=nogroup --clear-groups \
	"$FLAMER" record -F 99 -o "$dir/out/n.data" -- "$py" "$dir/callers.py" 4 ) \
	>"$T/n.out" 2>"$T/n.err" || fail "record as nobody exited $?: $(head -c 600 "$T/n.err")"
expect_grep '^flamer: record: Python frames are read late.*BPF is not available: .*needs root or CAP_BPF and CAP_PERFMON' "$T/n.err"
[ "$(grep -c 'BPF is not available' "$T/n.err")" -eq 1 ] || fail "the BPF note is not said exactly once: $(cat "$T/n.err")"
expect_no_grep 'read at the sample \(BPF\)' "$T/n.err"
"$FLAMER" collapse -q "$dir/out/n.data" >"$T/n.folded" || fail "collapse"
[ "$(samples_matching ';f_(zlib|sort|json) \(' "$T/n.folded")" -gt 0 ] || fail "no f_* Python frames as nobody: $(head -c 600 "$T/n.folded")"

FLAMER_NO_BPF=1 "$FLAMER" record -F 199 -o "$T/r.data" -- "$py" "$dir/callers.py" 1 \
	>"$T/r.out" 2>"$T/r.err" || fail "record with FLAMER_NO_BPF=1 exited $?"
expect_no_grep 'BPF' "$T/r.err"
"$FLAMER" collapse -q "$T/r.data" >"$T/r.folded" || fail "collapse"
[ "$(samples_matching ';f_(zlib|sort|json) \(' "$T/r.folded")" -gt 0 ] || fail "no f_* Python frames with FLAMER_NO_BPF=1"
