# [truncated] means the walk really stopped short: on Debian's gzip -9
# (stripped: its frames are [gzip]), launched in a shell loop so start-up
# and exit are sampled too, no sample marked [truncated] may have the same
# chain as an unmarked one (seen: 3% of them, from dead save slots below
# sp that CFI still describes in epilogues, and from libraries mapped
# since libdwfl's module list was built).
. tests/e2e/e2elib.sh
command -v gzip >/dev/null || skip "gzip not installed"

cat /usr/bin/* 2>/dev/null | head -c 3000000 >"$T/in"
record "$T/gz.data" -- sh -c "for i in 1 2 3 4 5 6 7 8; do gzip -9 -c '$T/in' >/dev/null; done"
fold "$T/gz.data"
f="$T/gz.data.folded"
# gzip's own samples reach main's caller in libc
need_samples "$f" '^gzip;' 2000
chain_share "$f" '^gzip;' '^gzip;(\[truncated\];)?(.*;)?__libc_start_main;' 95 2000
# chains of marked samples, with the marker removed, against unmarked ones
awk '{ $NF = ""; print }' "$f" | grep '^gzip;\[truncated\];' |
	sed 's/^gzip;\[truncated\];/gzip;/' | sort -u >"$T/marked"
awk '{ $NF = ""; print }' "$f" | grep -v '\[truncated\]' | sort -u >"$T/unmarked"
comm -12 "$T/marked" "$T/unmarked" >"$T/both"
[ ! -s "$T/both" ] || fail "complete chains marked [truncated]: $(head -c 600 "$T/both")"
# and whatever is still marked is a small minority
n=$(samples_matching '^gzip;\[truncated\];' "$f")
t=$(samples_matching '^gzip;' "$f")
ratio_between "$n" "$t" 0 0.01
# and no stack is cut short without the mark (gzip's and the shell's)
rooted_or_marked "$f"
