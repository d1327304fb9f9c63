# lib.sh - helpers for bench/record.sh (sourced).
#
# A run appends one line to $RUNS (tab-separated):
#   group config round cpu wall total_cpu rec_cpu rec_wall samples bytes lost
#   nivcsw full
# cpu/wall/total_cpu come from the workload's own "bench:" line (the timed
# work only / the whole process), rec_cpu is the recorder's user+sys
# seconds (bash `times` over a subshell that only waited for it), rec_wall
# is the wall time of the recorder command, samples/bytes/lost describe its
# output file, nivcsw is how often the workload was preempted, full is the
# percentage of samples whose stack holds every descend() frame (C only:
# a check that both recorders got whole stacks).  "-" marks what does not
# apply.

now() { date +%s.%N; }
sub() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.6f", a - b }'; }

# bench_field NAME FILE : the value after NAME on the workload's bench: line
bench_field() {
	awk -v k="$1" '$1 == "bench:" { for (i = 2; i < NF; i++) if ($i == k) { print $(i + 1); exit } }' "$2"
}

# times_children FILE : user+sys of the children from bash `times` output
times_children() {
	awk 'NR == 2 {
		s = 0
		for (i = 1; i <= 2; i++) {
			v = $i; sub(/s$/, "", v); split(v, p, "m"); s += p[1] * 60 + p[2]
		}
		printf "%.3f", s
	}' "$1"
}

# perf_stat FILE KIND : SAMPLE or LOST count in a perf.data (0 when absent)
perf_stat() {
	perf report --stats -i "$1" 2>/dev/null |
		awk -v k="$2" '$1 == k && $2 == "events:" { print $3; found = 1; exit }
			END { if (!found) print 0 }'
}

# flamer_summary FILE FIELD : "samples" or "lost" from flamer's summary line
#   flamer: N samples, T threads, L lost, ...
flamer_summary() {
	awk -v f="$2" '/^flamer: [0-9]+ samples,/ {
		for (i = 2; i <= NF; i++) {
			w = $(i + 1); sub(/,$/, "", w)
			if (w == f) { print $i + 0; found = 1; exit }
		}
	} END { if (!found) print "-" }' "$1"
}

# file_size FILE
file_size() { stat -c %s "$1" 2>/dev/null || echo -; }

# wait_ready FILE PID : wait (at most 20 s) for the gated workload's "ready"
wait_ready() {
	local i
	for i in $(seq 200); do
		grep -q '^ready' "$1" 2>/dev/null && return 0
		kill -0 "$2" 2>/dev/null || return 1
		sleep 0.1
	done
	return 1
}

# wait_attached PIDFILE : wait for the recorder (pid in PIDFILE) to hold a
# perf_event fd, then a little more for its rings and enabling
wait_attached() {
	local i pid=
	for i in $(seq 200); do
		[ -z "$pid" ] && pid=$(cat "$1" 2>/dev/null)
		# Austin has no perf events: its process is enough (it
		# attaches within its 100 ms start-up wait; then the settle)
		if [ -n "$pid" ] && { { [ "${KIND:-}" = austin ] && [ -d "/proc/$pid" ]; } ||
			ls -l "/proc/$pid/fd" 2>/dev/null | grep -q perf_event; }; then
			sleep "${ATTACH_SETTLE:-0.5}"
			return 0
		fi
		sleep 0.05
	done
	return 1
}

# wait_gone PID SECS : wait for a background job; SIGINT then SIGKILL it
# when it outlives SECS (a recorder that missed its target's exit)
wait_gone() {
	local pid=$1 i
	for i in $(seq $(($2 * 10))); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		echo "bench: pid $pid still running after $2 s: interrupting it" >&2
		kill -INT "$pid" 2>/dev/null
		sleep 2
		kill -KILL "$pid" 2>/dev/null
	fi
	wait "$pid" 2>/dev/null
}

# start_measured DIR CMD... : run CMD in the background inside a subshell
# that records CMD's pid (DIR/pid) and, once it has exited, its CPU time
# (DIR/times).  CMD's stdout/stderr go to DIR/out, DIR/err.  Sets SUBSHELL.
start_measured() {
	local d=$1; shift
	rm -f "$d/pid" "$d/times"
	(
		"$@" >"$d/out" 2>"$d/err" &
		echo $! >"$d/pid"
		wait $!
		times >"$d/times"
	) &
	SUBSHELL=$!
}

# recorder_output KIND FILE ERR : "samples bytes lost" of a recording
recorder_output() {
	local kind=$1 f=$2 err=$3
	case $kind in
	perf) echo "$(perf_stat "$f" SAMPLE) $(file_size "$f") $(perf_stat "$f" LOST)" ;;
	flamer) echo "$(flamer_summary "$err" samples) $(file_size "$f") $(flamer_summary "$err" lost)" ;;
	# a line per sample, metadata lines start with "#"
	austin) echo "$(grep -vc '^#' "$f" 2>/dev/null || echo 0) $(file_size "$f") -" ;;
	*) echo "- - -" ;;
	esac
}

# full_stacks KIND FILE DEPTH : percentage of samples with at least DEPTH
# descend frames (perf's file read through `perf script | flamer collapse`)
full_stacks() {
	case $1 in
	perf) perf script -i "$2" 2>/dev/null | "$FLAMER" collapse - 2>/dev/null ;;
	flamer) "$FLAMER" collapse "$2" 2>/dev/null ;;
	*) return 0 ;;
	esac | awk -v want="$3" '{ n = $NF; t += n; if (gsub(/;descend/, "&") >= want) ok += n }
		END { if (t) printf "%.1f", 100 * ok / t; else print "-" }'
}

# median / spread over the numbers on stdin (one a line; "-" skipped)
median() {
	grep -v '^-$' | sort -g | awk '{ v[NR] = $1 } END {
		if (NR == 0) { print "-"; exit }
		if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}
spread() {
	grep -v '^-$' | sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END {
		if (NR == 0) print "-"; else printf "%s %s\n", lo, hi }'
}

# report RUNS ROUNDS PYTHON : the results as markdown tables on stdout.
# Per run: target CPU x = workload CPU / same round's unprofiled CPU; for
# launched runs also wall x = command wall / unprofiled command wall.
# Cells are "median (min-max)" over the rounds; "A / B" rows divide
# flamer's medians by perf's.
report() {
	local host
	host="$(nproc) CPUs, $(uname -r), perf $(perf --version 2>/dev/null | awk '{ print $3 }')"
	{
		echo "# flamer record vs perf record"
		echo
		echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $host, $2 round(s), medians (min-max over rounds)."
		echo "Python: $3."
	} 
	awk -F'\t' '
	function label(c) {
		if (c == "base") return "unprofiled"
		if (c == "perf-fp") return "perf -g"
		if (c == "perf-dwarf") return "perf --call-graph dwarf"
		if (c == "flamer-fp") return "flamer --unwind fp"
		if (c == "flamer-dwarf") return "flamer --unwind dwarf"
		if (c == "flamer-auto") return "flamer (auto)"
		if (c == "austin") return "austin"
		return c
	}
	function add(k, v) { if (v != "-" && v != "") { n[k]++; val[k, n[k]] = v } }
	function sorted(k,    i, j, t) {
		for (i = 1; i <= n[k]; i++) s[i] = val[k, i]
		for (i = 2; i <= n[k]; i++)
			for (j = i; j > 1 && s[j - 1] > s[j]; j--) { t = s[j]; s[j] = s[j - 1]; s[j - 1] = t }
	}
	function med(k) {
		if (!n[k]) return ""
		sorted(k)
		return n[k] % 2 ? s[(n[k] + 1) / 2] : (s[n[k] / 2] + s[n[k] / 2 + 1]) / 2
	}
	function cell(k, fmt,    m, lo, hi) {
		if (!n[k]) return "-"
		m = med(k); lo = s[1]; hi = s[n[k]]
		if (n[k] == 1 || sprintf(fmt, lo) == sprintf(fmt, hi)) return sprintf(fmt, m)
		return sprintf(fmt " (" fmt "-" fmt ")", m, lo, hi)
	}
	function ratio(a, b) { return (a == "" || b == "" || b == 0) ? "-" : sprintf("%.2f", a / b) }
	function bfmt(v) { return v == "" ? "-" : v < 20 ? sprintf("%.1f", v) : sprintf("%.0f", v) }
	{
		g = $1; c = $2; r = $3
		row[NR] = $0
		if (c == "base") { bcpu[g, r] = $4; bwall[g, r] = $8 }
		if (!((g, c) in seen)) { seen[g, c] = 1; nc[g]++; cfg[g, nc[g]] = c }
		if (!(g in gseen)) { gseen[g] = 1; ng++; grp[ng] = g }
	}
	END {
		for (i = 1; i <= NR; i++) {
			split(row[i], f, "\t"); g = f[1]; c = f[2]; r = f[3]; k = g SUBSEP c
			if (c == "base") { add(k SUBSEP "cpu", f[4]); add(k SUBSEP "csw", f[12]); continue }
			if (bcpu[g, r] > 0 && f[4] != "") add(k SUBSEP "slow", f[4] / bcpu[g, r])
			if (g ~ /^launch/ && bwall[g, r] > 0 && f[8] != "-") add(k SUBSEP "wall", f[8] / bwall[g, r])
			add(k SUBSEP "rec", f[7])
			add(k SUBSEP "samples", f[9])
			if (f[9] > 0 && f[10] != "-") add(k SUBSEP "bps", f[10] / f[9])
			if (f[4] > 0 && f[9] != "-") add(k SUBSEP "rate", f[9] / f[4])
			lost[k] += f[11]
			add(k SUBSEP "csw", f[12])
			add(k SUBSEP "full", f[13])
		}
		nsec = split("attach launch dwarf python py310 beam", sec, " ")
		title["attach"] = "Native code with frame pointers (samples/bin/bench-fp), recorder attached by pid"
		title["launch"] = "Native code with frame pointers, recorder launching the workload (wall includes start-up and exit)"
		title["dwarf"] = "Native code without frame pointers (samples/bin/bench-nofp), attached by pid"
		title["python"] = "Python (bench/py_bench.py), attached by pid"
		title["py310"] = "Python 3.10 (bench/py_bench.py), attached by pid, with Austin (its last supported version)"
		title["beam"] = "Erlang (bench/beam_bench.erl, one scheduler, +JPperf map), attached by pid"
		for (q = 1; q <= nsec; q++) {
			any = 0
			for (gi = 1; gi <= ng; gi++) if (index(grp[gi], sec[q] "-") == 1) any = 1
			if (!any) continue
			lw = sec[q] == "launch"
			printf "\n## %s\n\n", title[sec[q]]
			printf "| F (Hz) | recorder | target CPU x |%s recorder CPU (s) | samples | samples/s of target CPU | bytes/sample | lost | target preempted | full stacks %% |\n", lw ? " wall x |" : ""
			printf "|---|---|---|%s---|---|---|---|---|---|---|\n", lw ? "---|" : ""
			for (gi = 1; gi <= ng; gi++) {
				g = grp[gi]
				if (index(g, sec[q] "-") != 1) continue
				F = substr(g, length(sec[q]) + 2)
				pk = ""
				for (ci = 1; ci <= nc[g]; ci++) if (cfg[g, ci] ~ /^perf/) pk = g SUBSEP cfg[g, ci]
				if ((g, "base") in seen)
					printf "| %s | unprofiled | 1 (CPU %s s) |%s - | - | - | - | - | %s | - |\n", F, cell(g SUBSEP "base" SUBSEP "cpu", "%.3f"), lw ? " 1 |" : "", cell(g SUBSEP "base" SUBSEP "csw", "%.0f")
				for (ci = 1; ci <= nc[g]; ci++) {
					c = cfg[g, ci]; k = g SUBSEP c
					if (c == "base") continue
					printf "| %s | %s | %s |%s %s | %s | %s | %s | %d | %s | %s |\n", F, label(c),
						cell(k SUBSEP "slow", "%.3f"), lw ? " " cell(k SUBSEP "wall", "%.2f") " |" : "",
						cell(k SUBSEP "rec", "%.2f"), cell(k SUBSEP "samples", "%.0f"),
						cell(k SUBSEP "rate", "%.0f"), bfmt(med(k SUBSEP "bps")), lost[k],
						cell(k SUBSEP "csw", "%.0f"), cell(k SUBSEP "full", "%.1f")
				}
				if (pk == "") continue
				for (ci = 1; ci <= nc[g]; ci++) {
					c = cfg[g, ci]; k = g SUBSEP c
					if (c !~ /^flamer/) continue
					printf "| %s | **%s / %s** | %s |%s %s | | | %s | | | |\n", F, label(c), label(substr(pk, index(pk, SUBSEP) + 1)),
						ratio(med(k SUBSEP "slow"), med(pk SUBSEP "slow")),
						lw ? " " ratio(med(k SUBSEP "wall"), med(pk SUBSEP "wall")) " |" : "",
						ratio(med(k SUBSEP "rec"), med(pk SUBSEP "rec")),
						ratio(med(k SUBSEP "bps"), med(pk SUBSEP "bps"))
				}
			}
		}
		print ""
		print "target CPU x: the workload'"'"'s own CPU time for its fixed work, profiled / unprofiled in the same round."
		print "recorder CPU: user+sys of the recorder process, start-up to exit (launched: minus the workload'"'"'s CPU)."
		print "bytes/sample: output file size / samples in it (perf: perf report --stats; flamer: its summary line)."
		print "target preempted: involuntary context switches of the workload (getrusage ru_nivcsw), e.g. a recorder woken on its CPU."
		print "full stacks %: samples whose stack holds every descend() frame (C workloads; perf read through perf script | flamer collapse)."
	}' "$1"
}
