# t_outfiles.sh - output files are written safely: a failed run leaves a
# previous good file untouched and no temporary file behind (tmp + rename),
# and a symlink planted in /tmp by another user is never followed: the file
# it points to stays unchanged whatever flamer is asked to write there.
. tests/faults/faultlib.sh
wl=$PWD/samples/bin/tree-fp
[ -x "$wl" ] || skip "build samples first (make samples)"
cd "$T" || fail "cd"
no_tmp_left() { ! ls "$1" | grep -q '\.tmp-' || fail "temporary file left in $1: $(ls "$1")"; }

# failed runs do not replace good files
echo good >"$T/rec.data"; echo good >"$T/out.svg"; echo good >"$T/out.folded"
pid=4194000; while [ -e /proc/$pid ]; do pid=$((pid + 1)); done
expect_exit 2 "$FLAMER" record -p $pid -o "$T/rec.data"
expect_exit 2 "$FLAMER" record -o "$T/rec.data" -- /nonexistent/cmd
# random bytes from a fixed seed (from /dev/urandom, a line of them may
# parse as a stack now and then: t_hostile.sh)
random_bytes 5000 20261202 >"$T/garbage" || fail "cannot make garbage"
expect_exit 1 "$FLAMER" svg -o "$T/out.svg" "$T/garbage"
expect_exit 1 "$FLAMER" collapse -o "$T/out.folded" "$T/garbage"
printf 'x;y 1e308\nx;y 1e308\n' >"$T/overflow.folded"
"$FLAMER" svg -o "$T/out.svg" "$T/overflow.folded" 2>/dev/null && fail "svg of overflowing counts succeeded"
for f in rec.data out.svg out.folded; do
	[ "$(cat "$T/$f")" = good ] || fail "a failed run replaced $f"
done
no_tmp_left "$T"
# a successful run replaces it whole
expect_exit 0 "$FLAMER" record -q -o "$T/rec.data" -- "$wl" -d 0.2
expect_exit 0 "$FLAMER" collapse "$T/rec.data"
printf 'main;a 3\n' >"$T/ok.folded"
expect_exit 0 "$FLAMER" svg -o "$T/out.svg" "$T/ok.folded"
xmllint --noout "$T/out.svg" || fail "out.svg not replaced by a whole SVG"
no_tmp_left "$T"

# symlinks planted by another user in /tmp
is_root || { echo "not root: symlink part skipped"; exit 0; }
id nobody >/dev/null 2>&1 || { echo "no user nobody: symlink part skipped"; exit 0; }
victim=$T/victim
echo "root's file" >"$victim"
chmod 644 "$victim"
chmod 755 "$T"
links=
trap 'rm -f $links; rm -rf "$T"' EXIT
for cmd in record collapse svg; do
	link=/tmp/flamer-planted-$cmd-$$
	links="$links $link"
	rm -f "$link"
	setpriv --reuid=nobody --regid=nogroup --clear-groups ln -s "$victim" "$link" ||
		fail "nobody cannot plant a symlink in /tmp"
	[ "$(stat -c %U "$link")" = nobody ] || fail "link not owned by nobody"
	case $cmd in
	record) timeout 30 "$FLAMER" record -q -o "$link" -- "$wl" -d 0.2 >"$T/stdout" 2>"$T/stderr" ;;
	collapse) timeout 30 "$FLAMER" collapse -o "$link" "$T/rec.data" >"$T/stdout" 2>"$T/stderr" ;;
	svg) timeout 30 "$FLAMER" svg -o "$link" "$T/ok.folded" >"$T/stdout" 2>"$T/stderr" ;;
	esac
	rc=$?
	echo "flamer $cmd -o $link -> $rc: $(cat "$T/stderr")"
	[ "$(cat "$victim")" = "root's file" ] || fail "flamer $cmd followed nobody's symlink and wrote into $victim"
	[ "$(stat -c %s "$victim")" -eq 12 ] || fail "$victim changed size"
	if [ $rc -ne 0 ]; then
		# refused: one clear line naming the file
		expect_grep "^flamer: .*$link.*symbolic link owned by another user" "$T/stderr"
		[ -L "$link" ] || fail "the planted link was removed by a refused run"
	fi
	! ls /tmp | grep -q "flamer-planted-$cmd-$$\.tmp-" || fail "temporary file left in /tmp"
	rm -f "$link"
done
echo "output files ok"
