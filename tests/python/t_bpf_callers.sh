# t_bpf_callers.sh - Python callers read by BPF at the sample (issue 13):
# samples/python/callers.py calls f_zlib -> zlib.compress, f_sort -> sorted,
# f_json -> json.dumps in a fixed order, so a sample inside one of these C
# calls has one right Python caller by construction, and a stack read late
# names the next function.  Under every installed CPython 3.8-3.13 and
# Debian's python3.11, launched at 999 Hz:
# - the summary says the frames were read by BPF;
# - of the samples inside the C work, at most 1 % under a wrong f_* caller
#   (measured: 0 in 14 runs; the late live read gives 0-3 %, and 21-55 % in
#   the issue's runs on a loaded machine), at most 2 % with no caller;
# - no sample in the dynamic loader (_dl_start) has Python frames;
# - no sample lost (optimised build);
# - samples where Python ran but got no Python frames (an eval-loop frame
#   left in the native stack: taken before flamer knew the process) stay
#   below 3 % of the run's samples.
# Needs root (BPF): skips with the reason when BPF cannot be loaded.
. tests/python/pyreclib.sh
RUN=${RUN:-3}
ran=0
# Debian's python3.11 also as on a machine without python3.11-dbg (nor
# libc6-dbg): FLAMER_TEST_NO_DEBUGINFO hides /usr/lib/debug, so the layout
# is the built-in table and its C functions are unnamed ([python3.11]):
# sorted's work cannot be told from the interpreter's, zlib's (deflate)
# and the JSON encoder's ([_json....so]) can.
targets() {
	py_targets
	[ -x /usr/bin/python3.11 ] && echo "debian3.11-nodbg /usr/bin/python3.11 11"
	return 0
}
while read -r name py minor; do
	nodbg=0
	case $name in *-nodbg) nodbg=1 ;; esac
	FLAMER_TEST_NO_DEBUGINFO=$nodbg "$FLAMER" record -F 999 -o "$T/$name.data" -- "$py" "$PYDIR/callers.py" "$RUN" \
		>"$T/$name.out" 2>"$T/$name.err" ||
		fail "$name: flamer record exited $?: $(head -c 600 "$T/$name.err")"
	if grep -q 'BPF is not available' "$T/$name.err"; then
		skip "BPF not available here: $(grep -o 'BPF is not available.*' "$T/$name.err")"
	fi
	expect_grep '^flamer: Python frames read at the sample \(BPF\) in [0-9]+ samples' "$T/$name.err"
	[ "$nodbg" = 1 ] && expect_grep 'layout from built-in table 3\.11' "$T/$name.err"
	# no sample lost at 999 Hz (the issue's runs: Debian's 3.11 lost
	# 1,599 against 431 kept) -- by the optimised recorder; the ASan one
	# is 2-3x slower, which says nothing of the product
	sanitized || expect_no_grep '(^|[^0-9])[1-9][0-9]* lost' "$T/$name.err"
	"$FLAMER" collapse -q "$T/$name.data" >"$T/$name.folded" || fail "$name: collapse"
	read -r right wrong none dlpy < <(awk -v show=1 -f tests/python/callers_check.awk "$T/$name.folded" 2>"$T/$name.wrong")
	work=$((right + wrong + none))
	total=$(total_samples "$T/$name.folded")
	# eval-loop frames left: Python ran, no Python frames were attached
	bare=$(samples_matching '_PyEval_EvalFrameDefault' "$T/$name.folded")
	echo "$name: C work $work: right $right, wrong $wrong, no caller $none; loader with Python $dlpy; bare eval $bare of $total"
	[ "$work" -ge 300 ] || fail "$name: only $work samples in the C work"
	[ $((wrong * 100)) -le "$work" ] || fail "$name: $wrong of $work C-work samples under a wrong caller (> 1 %): $(head -c 1500 "$T/$name.wrong")"
	[ "$dlpy" -eq 0 ] || fail "$name: $dlpy samples in the dynamic loader with Python frames"
	# (Debian's stripped python3.11 too: the program reads it with the
	# built-in layout while its -dbg DWARF is read, ~100 ms in which it
	# had no Python frames before: 94-102 samples at 999 Hz; now 0-2)
	[ $((none * 100)) -le $((work * 2)) ] || fail "$name: $none of $work C-work samples without a caller (> 2 %)"
	[ $((bare * 100)) -le $((total * 3)) ] || fail "$name: $bare of $total samples with Python running but no Python frames (> 3 %)"
	rooted_or_marked "$T/$name.folded"
	ran=$((ran + 1))
done < <(targets)
[ "$ran" -gt 0 ] || skip "no CPython 3.8-3.13 installed"
