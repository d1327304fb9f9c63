# Collapsed stacks in: merged, re-sorted, malformed lines counted.
printf 'b;c 2\na;b 1\n# comment\n\nb;c 3\nnot a stack line\na;x_[k];y 4\n' >"$T/in"
"$FLAMER" collapse "$T/in" >"$T/out" 2>"$T/err" || fail "exit $?"
printf 'a;b 1\na;x_[k];y 4\nb;c 5\n' | cmp -s - "$T/out" || fail "got: $(cat "$T/out")"
expect_grep '1 malformed lines' "$T/err"
"$FLAMER" collapse -q --no-kernel "$T/in" >"$T/nok" || fail "--no-kernel"
expect_grep '^a;y 4$' "$T/nok"
# detection picks folded; --input folded forces it
"$FLAMER" collapse -q --input folded "$T/in" | cmp -s - "$T/out" || fail "--input folded"
exit 0
