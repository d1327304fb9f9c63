# t_bpf_deep.sh - a Python stack deeper than the BPF program's 512-frame
# limit is marked at the cut, never silently cut (issue 13):
# samples/python/deep.py with a 700-deep recursion, launched, under 3.12
# (one eval frame for all) and 3.8 (one per call, native stack cut too):
# - the summary counts chains cut at 512 frames (most samples);
# - the samples in leaf() read, rootward from leaf, recurse frames and then
#   [truncated] (3.12: exactly 511 recurse frames between them and no
#   native frame; 3.8: the native call_function frames in between);
# - no such sample has <module> or main (the cut part) named.
. tests/python/pyreclib.sh
ran=0
for v in 3.12.1 3.8.18; do
	py=/root/.pyenv/versions/$v/bin/python3
	[ -x "$py" ] || continue
	name=deep$v
	"$FLAMER" record -F 499 -o "$T/$name.data" -- "$py" "$PYDIR/deep.py" 1.5 700 \
		>"$T/$name.out" 2>"$T/$name.err" || fail "$name: record exited $?: $(head -c 600 "$T/$name.err")"
	grep -q 'BPF is not available' "$T/$name.err" &&
		skip "BPF not available here: $(grep -o 'BPF is not available.*' "$T/$name.err")"
	cut=$(sed -nE 's/.* ([0-9]+) cut at 512 frames.*/\1/p' "$T/$name.err")
	bpf=$(sed -nE 's/.*read at the sample \(BPF\) in ([0-9]+) samples.*/\1/p' "$T/$name.err")
	[ -n "$cut" ] && [ -n "$bpf" ] || fail "$name: no BPF summary: $(cat "$T/$name.err")"
	[ $((cut * 2)) -ge "$bpf" ] || fail "$name: only $cut of $bpf chains cut at 512 frames"
	"$FLAMER" collapse -q "$T/$name.data" >"$T/$name.folded" || fail "$name: collapse"
	inleaf=$(samples_matching ';leaf \([^;]*deep\.py\)' "$T/$name.folded")
	# rootward from leaf: recurse frames (3.8: and native frames), then
	# [truncated]; 3.12: exactly 511 recurse frames
	marked=$(awk -v strict=$([ "$v" = 3.12.1 ] && echo 1 || echo 0) '
		{ n = $NF; line = $0; sub(/ [0-9]+$/, "", line); k = split(line, f, ";")
		  for (j = k; j >= 1 && f[j] !~ /^leaf \(.*deep\.py\)$/; j--) ;
		  if (j < 1) next
		  r = 0; ok = 0
		  for (i = j - 1; i >= 1; i--) {
			if (f[i] == "[truncated]") { ok = 1; break }
			if (f[i] ~ /^recurse \(.*deep\.py\)$/) r++
			else if (strict || f[i] ~ / \(.*\.py\)$/) break
		  }
		  if (ok && r >= 400 && (!strict || r == 511)) s += n }
		END { print s + 0 }' "$T/$name.folded")
	named=$(samples_matching '(<module>|;main) \([^;]*deep\.py\)(;[^;]*)*;leaf \(' "$T/$name.folded")
	echo "$name: $cut of $bpf cut; in leaf $inleaf, marked $marked, with the cut part named $named"
	[ "$inleaf" -ge 50 ] || fail "$name: only $inleaf samples in leaf"
	py_fraction_ok "$marked" "$inleaf" 95 "$name: leaf samples marked [truncated] at the cut"
	[ "$named" -eq 0 ] || fail "$name: $named samples name frames beyond the cut"
	ran=$((ran + 1))
done
[ "$ran" -gt 0 ] || skip "no CPython 3.8 or 3.12 under /root/.pyenv"
