# complete_check.awk - reads `flamer collapse -q` lines of
# samples/python/shapes.py and counts the samples where Python ran (a
# Python frame, or an eval-loop frame left in the native stack) and those
# of them that are complete: they hold Python frames, nothing marks a gap
# ([truncated], [invalid], [python?]), and the stack reaches the thread's
# root: the native one (_start, clone) or, when the native frames are
# folded away, the root-most Python frame is <module> (shapes.py) or
# (Thread.)_bootstrap (threading.py).  (During the interpreter's own
# start-up the root-most Python frame is the import machinery's, called
# from C.)  Prints "ran complete".  The first incomplete lines go to
# stderr.
{
	n = $NF; line = $0; sub(/ [0-9]+$/, "", line)
	k = split(line, f, ";")
	first = ""; py = 0; eval = 0; gap = 0
	for (i = 1; i <= k; i++) {
		if (f[i] ~ / \([^;]*\.py(:[0-9]+)?\)$/ || f[i] ~ / \(<[^;]*>\)$/) {
			py = 1
			if (first == "") first = f[i]
		}
		if (f[i] ~ /^_PyEval_EvalFrameDefault/) eval = 1
		if (f[i] == "[truncated]" || f[i] == "[invalid]" || f[i] == "[python?]") gap = 1
	}
	if (!py && !eval) next
	ran += n
	if (py && !gap && (f[2] ~ /^(_start|__clone3|clone3|__clone|clone|thread_start)$/ ||
			   first ~ /^<module> \([^;]*shapes\.py(:[0-9]+)?\)$/ ||
			   first ~ /^(Thread\.)?_bootstrap \([^;]*threading\.py(:[0-9]+)?\)$/)) {
		complete += n
		next
	}
	if (shown++ < 5) print "incomplete: " n " " substr(line, 1, 500) > "/dev/stderr"
}
END { printf "%d %d\n", ran, complete }
