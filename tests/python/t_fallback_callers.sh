# t_fallback_callers.sh - Python frames read from the live process after
# the sample (no BPF: a normal user, or FLAMER_NO_BPF=1) are attached only
# where the sample confirms them (issue 13): the eval loop's next_instr,
# read from the sample's registers and stack copy through DWARF, must
# point where the frame read later stands; otherwise "[python?]" takes
# the place of that eval call's Python frames, and the summary counts it.
#
# samples/python/callers.py calls f_zlib -> zlib.compress, f_sort ->
# sorted, f_json -> json.dumps in a fixed order: a sample inside one of
# these C calls has one right caller by construction, and a read that
# comes after the call returned names the next function.
# FLAMER_TEST_LATE_US=3000 makes every live read 3 ms late, longer than
# one C call, so most reads are late.  Without the check, 139 of 294
# C-work samples named the wrong caller (measured with pywalker_at_instr
# made to always confirm); with it none may, on every installed CPython
# 3.8-3.13 and Debian's python3.11:
# - at most 1 % of the C-work samples under a wrong f_* caller;
# - the summary's "not confirmed" count is at least the samples that
#   hold [python?];
# - where the check can be made (3.8, 3.9, 3.11, 3.12, Debian's 3.11
#   with its -dbg file: DWARF locates next_instr at the eval loop's call
#   sites), it is what catches the late reads (>= 20 % of the C work
#   marked; measured 55-85 %) and it still confirms some (>= 5 % with the
#   right caller; measured 15-24 %): a check that confirms nothing, or
#   everything, fails.  3.10 and 3.13 (no location for next_instr at
#   those sites) are all [python?]: never a wrong caller.
# - Debian's python3.11 as without python3.11-dbg (FLAMER_TEST_NO_DEBUGINFO):
#   all [python?], never a wrong caller.
# - As nobody (BPF refused), Debian's python3.11: the same bounds.
. tests/python/pyreclib.sh
command -v setpriv >/dev/null || skip "setpriv not installed"

# check NAME CONFIRMABLE: the bounds above on $T/NAME.{err,folded}
check() {
	local name=$1 confirmable=$2 right wrong none dlpy work marked said
	read -r right wrong none dlpy < <(awk -v show=1 -f tests/python/callers_check.awk "$T/$name.folded" 2>"$T/$name.wrong")
	work=$((right + wrong + none))
	rooted_or_marked "$T/$name.folded"
	marked=$(samples_matching '\[python\?\]' "$T/$name.folded")
	said=$(sed -n 's/.* \([0-9][0-9]*\) not confirmed by the sample.*/\1/p' "$T/$name.err")
	echo "$name: C work $work: right $right, wrong $wrong, no caller $none; [python?] in $marked samples, summary says ${said:-none}"
	[ "$work" -ge 100 ] || fail "$name: only $work samples in the C work"
	[ $((wrong * 100)) -le "$work" ] || fail "$name: $wrong of $work C-work samples under a wrong caller (> 1 %): $(head -c 1500 "$T/$name.wrong")"
	[ "$dlpy" -eq 0 ] || fail "$name: $dlpy samples in the dynamic loader with Python frames"
	[ -n "$said" ] && [ "$said" -ge "$marked" ] ||
		fail "$name: the summary does not count the $marked samples with [python?]: $(grep 'Python stacks' "$T/$name.err")"
	if [ "$confirmable" = 1 ]; then
		[ $((marked * 100)) -ge $((work * 20)) ] || fail "$name: only $marked of $work C-work samples marked [python?] with reads 3 ms late"
		[ $((right * 100)) -ge $((work * 5)) ] || fail "$name: only $right of $work C-work samples confirmed"
	fi
}

ran=0
while read -r name py minor; do
	FLAMER_NO_BPF=1 FLAMER_TEST_LATE_US=3000 "$FLAMER" record -F 99 \
		-o "$T/$name.data" -- "$py" "$PYDIR/callers.py" 3 \
		>"$T/$name.out" 2>"$T/$name.err" ||
		fail "$name: flamer record exited $?: $(head -c 600 "$T/$name.err")"
	"$FLAMER" collapse -q "$T/$name.data" >"$T/$name.folded" || fail "$name: collapse"
	confirmable=1
	case $minor in 10|13) confirmable=0 ;; esac
	if [ "$name" = debian3.11 ] && ! grep -q 'layout from DWARF' "$T/$name.err"; then
		confirmable=0 # no -dbg file: no DWARF locations
	fi
	check "$name" "$confirmable"
	ran=$((ran + 1))
done < <(py_targets)
[ "$ran" -gt 0 ] || skip "no CPython 3.8-3.13 installed"

# Debian's python3.11 as on a machine without python3.11-dbg
# (FLAMER_TEST_NO_DEBUGINFO, see t_bpf_callers): the built-in layout, no
# DWARF location for next_instr, so nothing is confirmed: all [python?],
# never a wrong caller.  199 Hz: zlib's and the JSON encoder's work are
# all that can be told apart without symbols.
if [ -x /usr/bin/python3.11 ]; then
	FLAMER_TEST_NO_DEBUGINFO=1 FLAMER_NO_BPF=1 FLAMER_TEST_LATE_US=3000 \
		"$FLAMER" record -F 199 -o "$T/nodbg.data" -- /usr/bin/python3.11 \
		"$PYDIR/callers.py" 3 >"$T/nodbg.out" 2>"$T/nodbg.err" ||
		fail "nodbg: flamer record exited $?: $(head -c 600 "$T/nodbg.err")"
	expect_grep 'layout from built-in table 3\.11' "$T/nodbg.err"
	"$FLAMER" collapse -q "$T/nodbg.data" >"$T/nodbg.folded" || fail "nodbg: collapse"
	check nodbg 0
fi

# As a normal user: BPF is refused, the same check applies.
py=/usr/bin/python3.11
[ -x "$py" ] || exit 0
dir=$(mktemp -d /tmp/flamer-fbcall.XXXXXX)
trap 'rm -rf "$dir"' EXIT
chmod 755 "$dir"
cp samples/python/callers.py "$dir/" && chmod 644 "$dir/callers.py"
install -d -m 777 "$dir/out"
( cd "$dir/out" && FLAMER_TEST_LATE_US=3000 setpriv --reuid=nobody \
	--regid=nogroup --clear-groups "$FLAMER" record -F 99 \
	-o "$dir/out/n.data" -- "$py" "$dir/callers.py" 3 ) \
	>"$T/nobody.out" 2>"$T/nobody.err" ||
	fail "record as nobody exited $?: $(head -c 600 "$T/nobody.err")"
expect_grep 'BPF is not available' "$T/nobody.err"
"$FLAMER" collapse -q "$dir/out/n.data" >"$T/nobody.folded" || fail "collapse"
confirmable=1
grep -q 'layout from DWARF' "$T/nobody.err" || confirmable=0
check nobody "$confirmable"
