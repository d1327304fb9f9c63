# The one-line summary on stderr: samples (as many as the recording
# holds), threads, lost samples and the file's size.
. tests/e2e/e2elib.sh
need_sample tree-fp

record "$T/s.data" -- "$SAMPLES/tree-fp" -d 2 -t 2
line=$(grep -E '^flamer: [0-9]+ samples, [0-9]+ threads, [0-9]+ lost, ' "$T/s.data.err") ||
	fail "no summary line on stderr: $(cat "$T/s.data.err")"
fold "$T/s.data"
samples=$(echo "$line" | sed -E 's/^flamer: ([0-9]+) samples.*/\1/')
threads=$(echo "$line" | sed -E 's/.* ([0-9]+) threads.*/\1/')
total=$(total_samples "$T/s.data.folded")
[ "$samples" -gt 100 ] || fail "only $samples samples: $line"
[ "$samples" -eq "$total" ] || fail "summary says $samples samples, the recording holds $total"
[ "$threads" -eq 2 ] || fail "summary says $threads threads, tree -t 2 runs 2 busy threads: $line"
# the size, as bytes, KiB or MiB, matches the file within rounding
size=$(stat -c %s "$T/s.data")
echo "$line" | awk -v real="$size" '{
	for (i = 2; i <= NF; i++) {
		m = $(i + 1); sub(/,$/, "", m)
		if (m == "bytes") v = $i; else if (m == "KiB") v = $i * 1024;
		else if (m == "MiB") v = $i * 1048576; else continue
		exit !(v >= real * 0.95 - 64 && v <= real * 1.05 + 64)
	}
	exit 1
}' || fail "summary size does not match the file's $size bytes: $line"
