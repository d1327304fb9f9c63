# t_diskfull.sh - the disk fills while recording: a 64 KiB tmpfs, high
# frequency, deep stacks, many threads.  flamer must report the write error
# in one line, exit 3, keep the file in place readable up to the cut, and
# its summary must say how many samples the file holds; collapse then gives
# those samples with a "truncated" warning and exit 3.
. tests/faults/faultlib.sh
is_root || skip "needs root to mount a tmpfs"
wl=$PWD/samples/bin/threads-fp
[ -x "$wl" ] || skip "build samples first (make samples)"
build_recdump
mkdir "$T/small"
mount -t tmpfs -o size=64k tmpfs "$T/small" || skip "cannot mount a tmpfs"
trap 'umount "$T/small" 2>/dev/null; rm -rf "$T"' EXIT

timeout 60 "$FLAMER" record -F 2999 -o "$T/small/r.data" -- "$wl" -b 8 -d 40 2>"$T/err"
rc=$?
cat "$T/err"
[ $rc -eq 3 ] || fail "expected exit 3 on a full disk, got $rc"
[ "$(grep -c 'write failed' "$T/err")" -eq 1 ] || fail "expected one 'write failed' line"
expect_grep '^flamer: .*r\.data: write failed: No space left on device' "$T/err"
expect_no_grep 'Sanitizer|runtime error' "$T/err"
[ -s "$T/small/r.data" ] || fail "the recording is not in place"
ls "$T/small" | grep -q tmp && fail "a temporary file was left: $(ls "$T/small")"

"$T/recdump" "$T/small/r.data" >"$T/dump"
cat "$T/dump"
[ "$(field end "$T/dump")" = 0 ] || fail "a cut recording claims a clean END"
err=$(field error "$T/dump")
[ "$err" -lt 0 ] || fail "reader did not report the cut"
kept=$(sed -nE 's/.*it holds the first ([0-9]+) samples.*/\1/p' "$T/err")
[ -n "$kept" ] || fail "the summary does not say how many samples were kept"
[ "$kept" = "$(field samples "$T/dump")" ] || fail "summary says $kept kept, the file has $(field samples "$T/dump")"
[ "$kept" -gt 0 ] || fail "nothing was kept"

# collapse: every sample up to the cut, a warning, exit 3
expect_exit 3 "$FLAMER" collapse "$T/small/r.data"
cat "$T/stderr"
expect_grep '^flamer: .*truncated' "$T/stderr"
[ "$(total_samples "$T/stdout")" -eq "$kept" ] || fail "collapse gives $(total_samples "$T/stdout") samples, the file has $kept"
[ "$(samples_matching 'burner;burn_leaf' "$T/stdout")" -gt 0 ] || fail "no burner stacks: $(head -3 "$T/stdout")"

# a good file is not replaced by a run that could write no sample
umount "$T/small"
mount -t tmpfs -o size=64k tmpfs "$T/small" || fail "remount"
echo previous >"$T/small/keep.data"
head -c 60000 /dev/urandom >"$T/small/filler"
timeout 60 "$FLAMER" record -F 2999 -o "$T/small/keep.data" -- "$wl" -b 4 -d 40 2>"$T/err"
rc=$?
cat "$T/err"
case $rc in
3) expect_grep 'it holds the first [1-9]' "$T/err" ;;
1) expect_grep '^flamer: .*keep\.data: .*No space left on device' "$T/err"
   [ "$(cat "$T/small/keep.data")" = previous ] || fail "a failed run replaced the previous file"
   ls "$T/small" | grep -q tmp && fail "a temporary file was left: $(ls "$T/small")" ;;
*) fail "recording onto a full disk exited $rc" ;;
esac
echo "disk full ok"
