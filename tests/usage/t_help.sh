# t_help.sh - `flamer --help` and `flamer CMD --help` go to stdout, exit 0
# and list options, examples and exit codes.
for cmd in "" record collapse svg diff; do
	# shellcheck disable=SC2086
	expect_exit 0 timeout 5 "$FLAMER" $cmd --help
	out=$T/stdout
	[ -s "$out" ] || fail "flamer $cmd --help printed nothing on stdout"
	[ ! -s "$T/stderr" ] || fail "flamer $cmd --help wrote to stderr"
	expect_grep '^usage: flamer' "$out"
	grep -qi 'example' "$out" || fail "flamer $cmd --help has no examples"
	grep -qi 'exit' "$out" || fail "flamer $cmd --help lists no exit codes"
	# every documented exit code that the command can return
	for code in 0 1 2; do
		grep -Eq "(^|[^0-9])$code([^0-9]|$)" "$out" || fail "flamer $cmd --help does not list exit code $code"
	done
	if [ -n "$cmd" ]; then
		[ "$(grep -cE '^ +-' "$out")" -ge 3 ] || fail "flamer $cmd --help lists no options"
	fi
done
# the codes that record documents
expect_exit 0 "$FLAMER" record --help
for code in 3 4; do
	grep -Eq "(^|[^0-9])$code " "$T/stdout" || fail "flamer record --help does not list exit code $code"
done
# no arguments: usage on stderr, exit 2
expect_exit 2 "$FLAMER"
expect_grep '^usage: flamer' "$T/stderr"
