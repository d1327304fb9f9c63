# Process names after fork+exec (issue 12 point 1): a shell that runs gzip
# six times, under CPU load.  Records of different CPUs are applied in time
# order, so every sample of gzip's own code is labelled gzip: before, up to
# 20% of them were labelled sh (the COMM of the exec was handled after the
# samples that followed it on another CPU).
. tests/e2e/e2elib.sh
command -v gzip >/dev/null || skip "no gzip"
head -c 3000000 /dev/urandom | base64 >"$T/big.txt" || fail "cannot make input"
# a busy loop per CPU, so the rings of both CPUs fill at once and the
# shell's children migrate between them
for i in 1 2; do
	sh -c 'while :; do :; done' &
	E2E_PIDS="$E2E_PIDS $!"
done
record "$T/gz.data" -- sh -c "for i in 1 2 3 4 5 6; do gzip -9 <'$T/big.txt' >/dev/null; done"
fold "$T/gz.data"
f="$T/gz.data.folded"
# samples in gzip's code ([gzip]: Debian's gzip is stripped)
total=$(awk '/(^|;)\[gzip\](;| )/ { n += $NF } END { print n + 0 }' "$f")
wrong=$(awk '/(^|;)\[gzip\](;| )/ && $0 !~ /^gzip;/ { n += $NF } END { print n + 0 }' "$f")
[ "$total" -ge 100 ] || fail "only $total samples in gzip code: $(top_stacks "$f")"
[ "$wrong" -eq 0 ] ||
	fail "$wrong of $total gzip samples under another process name: $(grep '\[gzip\]' "$f" | grep -v '^gzip;' | head -3)"
echo "$total gzip samples, all labelled gzip"
