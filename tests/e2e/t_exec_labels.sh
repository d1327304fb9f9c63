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

# make -j2 of a small C project: every sample of cc1's code is labelled
# cc1 (before: hundreds labelled cc or make)
command -v make >/dev/null && command -v gcc >/dev/null || skip "no make/gcc for the build part"
mkdir -p "$T/proj"
for i in $(seq 1 12); do
	printf '#include <stdlib.h>\nstatic int c%d(const void *a, const void *b) { return *(const int *)a - *(const int *)b; }\nint w%d(int n) { int *v = malloc(n * sizeof *v); for (int k = 0; k < n; k++) v[k] = k * 7919 %% 1000; qsort(v, n, sizeof *v, c%d); n = v[n / 2]; free(v); return n; }\n' \
		$i $i $i >"$T/proj/f$i.c"
done
printf 'OBJS = $(patsubst %%.c,%%.o,$(wildcard *.c))\nall: $(OBJS)\n%%.o: %%.c\n\tgcc -O2 -g -c $< -o $@\n' >"$T/proj/Makefile"
record "$T/make.data" -- make -s -C "$T/proj" -j2
fold "$T/make.data"
f="$T/make.data.folded"
total=$(awk '/(^|;)\[cc1\](;| )/ { n += $NF } END { print n + 0 }' "$f")
wrong=$(awk '/(^|;)\[cc1\](;| )/ && $0 !~ /^cc1;/ { n += $NF } END { print n + 0 }' "$f")
[ "$total" -ge 100 ] || fail "only $total samples in cc1's code: $(top_stacks "$f")"
[ "$wrong" -eq 0 ] ||
	fail "$wrong of $total cc1 samples under another process name: $(grep '\[cc1\]' "$f" | grep -v '^cc1;' | head -3)"
echo "$total cc1 samples, all labelled cc1"
# every stack of the shell, gzip, make, gcc, cc1 and as, from exec to
# exit, reaches its root or is marked
rooted_or_marked "$T/gz.data.folded"
rooted_or_marked "$f"
