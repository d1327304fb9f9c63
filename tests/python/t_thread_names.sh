# t_thread_names.sh - `flamer collapse --tid` names Python threads as
# Python does (threading.Thread.name), on every installed CPython 3.8-3.13
# (pyenv) and Debian's /usr/bin/python3.11.  samples/python/threadnames.py
# runs four threads, each in a function of its own: crunch_a in
# "crunch-a", crunch_b in "crunch-b" (renamed right after its start),
# crunch_odd in "odd;na<TAB>me" (shown as "odd?na?me": ';' and control
# characters are replaced), crunch_main in "MainThread".  Wrong answers are
# what is tested: every sample of each function must be under its own
# thread's name (never another name, the process name or the old
# "temp-b"), and each has at least MIN samples.
. tests/python/pyreclib.sh
MIN=${MIN:-20}

check_version() {
	local name=$1 py=$2 minor=$3 pid out
	py_record "$name" -- "$py" "$PYDIR/threadnames.py" 3
	pid=$(py_pid "$name")
	[ -n "$pid" ] || fail "$name: CPython not detected: $(head -c 600 "$T/$name.err")"
	expect_no_grep '^[^;]*;temp-b;' "$T/$name.tid"
	# per function: samples under the expected name, and under any other
	out=$(awk -v pid="$pid" '
		BEGIN { want["crunch_a"] = "crunch-a"; want["crunch_b"] = "crunch-b"
			want["crunch_odd"] = "odd?na?me"; want["crunch_main"] = "MainThread" }
		{ n = $NF; $NF = ""; k = split($0, f, ";")
		  if (f[1] !~ ("-" pid "/[0-9]+$")) next
		  for (fn in want)
			for (i = 3; i <= k; i++)
				if (index(f[i], fn " (") == 1) {
					if (f[2] == want[fn]) good[fn] += n
					else { bad[fn] += n; where[fn] = f[2] }
					break
				}
		}
		END { for (fn in want) printf "%s %d %d %s\n", fn, good[fn], bad[fn], where[fn] }' "$T/$name.tid")
	echo "$name:" $out
	while read -r fn good bad where; do
		[ "$bad" -eq 0 ] || fail "$name: $bad samples of $fn under thread '$where'"
		[ "$good" -ge "$MIN" ] || fail "$name: only $good samples of $fn under its thread's name"
	done <<<"$out"
	# the main thread keeps its OS name without --tid (process name root)
	expect_grep '^[^;]*;([^;]*;)*crunch_main \(' "$T/$name.folded"
}

py_each_target check_version
exit 0
