# t_manpage.sh - flamer.1 documents every subcommand, every option that
# `flamer COMMAND --help` lists and every exit code, carries the version
# `flamer --version` prints, renders without warnings, and `make install
# PREFIX=...` installs the binary and the page.
man=flamer.1
[ -f "$man" ] || fail "no flamer.1"
for cmd in record collapse svg diff dump top; do
	grep -q "^\\.SS .*flamer $cmd\\b\\|^\\.SS .*flamer svg, flamer diff" "$man" || fail "flamer.1 has no section for $cmd"
done
# every long option of every --help is in the page (roff escapes "-" as "\-")
for cmd in record collapse svg dump top; do
	"$FLAMER" $cmd --help | grep -oE '(^|[ ,])--[a-z][a-z-]*' | sed 's/^[ ,]//' | sort -u >"$T/opts.$cmd"
	[ -s "$T/opts.$cmd" ] || fail "no options in flamer $cmd --help"
	while read -r opt; do
		[ "$opt" = --help ] && continue
		esc=$(echo "$opt" | sed 's/-/\\\\-/g')
		grep -q -- "$esc\\b" "$man" || fail "flamer.1 does not document $cmd $opt"
	done <"$T/opts.$cmd"
done
for code in 0 1 2 3 4 5; do
	grep -q "^\\.B $code\$" "$man" || fail "flamer.1 does not list exit code $code"
done
ver=$("$FLAMER" --version | awk '{ print $2 }')
grep -q "^\\.TH FLAMER 1 .*\"flamer $ver\"" "$man" || fail "flamer.1 is not for version $ver"
if command -v man >/dev/null; then
	MANWIDTH=80 man --warnings -l "$man" >"$T/man.txt" 2>"$T/man.err" || fail "man -l failed: $(cat "$T/man.err")"
	[ ! -s "$T/man.err" ] || fail "man warnings: $(head -5 "$T/man.err")"
	grep -q 'EXIT STATUS' "$T/man.txt" || fail "rendered page lacks EXIT STATUS"
fi
# make install with PREFIX and DESTDIR
# (-o flamer: install the binary as built, never rebuild the one under
# test; the test runner's BUILD must not reach make)
env -u BUILD -u SAN make -s -o flamer install PREFIX=/opt/fl DESTDIR="$T/root" >"$T/install.log" 2>&1 ||
	fail "make install: $(tail -5 "$T/install.log")"
[ -x "$T/root/opt/fl/bin/flamer" ] || fail "no bin/flamer under PREFIX"
[ -f "$T/root/opt/fl/share/man/man1/flamer.1" ] || fail "no man page under PREFIX"
"$T/root/opt/fl/bin/flamer" --version | grep -q "^flamer $ver\$" || fail "installed flamer --version"
cmp -s "$man" "$T/root/opt/fl/share/man/man1/flamer.1" || fail "installed man page differs"
