#!/bin/bash
# build.sh - the recorder's own cost on many short-lived processes: a
# `make -j2` of this repository (a copy of the tree at HEAD, built from
# clean), recorded by `flamer record` and by `perf record -g`, attached to
# the same gated shell, in the same run.  Prints a table (also
# bench/out/build.md): the recorder's CPU (user+sys) and peak memory, the
# samples and losses, and flamer / perf as a ratio (issue 12 asks for at
# most 3x perf's CPU and under 200 MB).  Not part of `make check`: nothing
# here asserts on time.
#
#   bench/build.sh               2 rounds at 99 Hz (about 4 minutes here)
#   ROUNDS=1 FREQ=999 bench/build.sh
#
# Method.  The build runs in `sh -c 'read <FIFO; exec make -s -j2 flamer'`;
# the recorder attaches to that shell by pid (events are inherited: make,
# cc, cc1, as, ld are all followed), the script waits 1.5 s for it to hold
# its events, then opens the gate.  Both recorders exit when the shell
# does.  Recorder CPU and peak RSS come from /usr/bin/time around the
# recorder alone (the build is not its child).
set -u
cd "$(dirname "$0")/.."
FLAMER=${FLAMER:-./flamer}
ROUNDS=${ROUNDS:-2}
FREQ=${FREQ:-99}
OUT=${OUT:-bench/out}
W=$OUT/build
die() { echo "bench: $*" >&2; exit 1; }
[ -x "$FLAMER" ] || die "no $FLAMER (make flamer)"
command -v perf >/dev/null || die "perf is not installed"
[ -x /usr/bin/time ] || die "no /usr/bin/time (apt-get install time)"
command -v git >/dev/null && [ -e .git ] || die "needs a git checkout (the build is of HEAD)"
rm -rf "$W"; mkdir -p "$W/src"
cp "$FLAMER" "$W/flamer.bin" || die "cannot copy $FLAMER"
git archive HEAD | tar -x -C "$W/src" || die "cannot copy the tree"

# run NAME CMD... : one build recorded by CMD (given -p PID at the end)
run() {
	local name=$1 t r gate=$W/gate; shift
	rm -rf "$W/src/build" "$W/src/flamer" "$gate" "$W/rec.data"
	mkfifo "$gate"
	sh -c "read x <'$gate'; exec make -s -C '$W/src' -j2 flamer >/dev/null 2>&1" &
	t=$!
	/usr/bin/time -f "%U %S %M" -o "$W/time" "$@" -p "$t" 2>"$W/err" &
	r=$!
	sleep 1.5
	echo go >"$gate"
	wait "$t"
	wait "$r"
	local samples lost
	case $name in
	perf*) samples=$(perf report --stats -i "$W/rec.data" 2>/dev/null |
			awk '$1 == "SAMPLE" && $2 == "events:" { print $3; exit }')
	       lost=$(perf report --stats -i "$W/rec.data" 2>/dev/null |
			awk '$1 == "LOST" && $2 == "events:" { print $3; exit }') ;;
	*) samples=$(awk '/^flamer: [0-9]+ samples,/ { print $2 }' "$W/err")
	   lost=$(awk '/^flamer: [0-9]+ samples,/ { for (i = 2; i < NF; i++) if ($(i + 1) ~ /^lost/) print $i }' "$W/err") ;;
	esac
	# /usr/bin/time's line is the last of the file (perf may print an
	# assertion before it)
	tail -n 1 "$W/time" | awk -v n="$name" -v s="${samples:--}" -v l="${lost:-0}" \
		'{ printf "%s\t%.2f\t%.0f\t%s\t%s\n", n, $1 + $2, $3 / 1024, s, l }' >>"$W/runs.tsv"
	tail -n 1 "$W/runs.tsv" >&2
}

: >"$W/runs.tsv"
for r in $(seq "$ROUNDS"); do
	if [ $((r % 2)) = 1 ]; then
		run "perf record -g" perf record -q -e cpu-clock -g -F "$FREQ" -o "$W/rec.data"
		run "flamer record" "$W/flamer.bin" record -q -F "$FREQ" -o "$W/rec.data"
	else
		run "flamer record" "$W/flamer.bin" record -q -F "$FREQ" -o "$W/rec.data"
		run "perf record -g" perf record -q -e cpu-clock -g -F "$FREQ" -o "$W/rec.data"
	fi
done
{
	echo "make -j2 of this repository, $FREQ Hz, attached, $ROUNDS round(s), $(date -u '+%Y-%m-%d %H:%M UTC'), medians (min-max)"
	echo
	echo "| recorder | recorder CPU (s) | peak memory (MB) | samples | lost |"
	echo "|---|---|---|---|---|"
	awk -F'\t' '
		function med(a, k,   i, j, t) {
			for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++)
				if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
			return k % 2 ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2
		}
		{ k = ++n[$1]; c[$1, k] = $2; m[$1, k] = $3; s[$1] = $4; l[$1] = $5 }
		END {
			split("perf record -g|flamer record", order, "|")
			for (o = 1; o <= 2; o++) {
				name = order[o]
				if (!(name in n))
					continue
				delete a; delete b
				for (i = 1; i <= n[name]; i++) { a[i] = c[name, i]; b[i] = m[name, i] }
				cm[name] = med(a, n[name]); mm[name] = med(b, n[name])
				printf "| %s | %.2f (%.2f-%.2f) | %.0f | %s | %s |\n", name, cm[name], a[1], a[n[name]], mm[name], s[name], l[name]
			}
			f = "flamer record"; p = "perf record -g"
			if ((f in cm) && (p in cm) && cm[p] > 0)
				printf "| **flamer / perf** | **%.2f** | %.2f | | |\n", cm[f] / cm[p], mm[f] / mm[p]
		}' "$W/runs.tsv"
} | tee "$OUT/build.md"
rm -rf "$W/src"
