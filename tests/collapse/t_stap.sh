# SystemTap print_backtrace/print_ustack blocks with counts.
D=tests/collapse
"$FLAMER" collapse "$D/stap-ubacktrace.txt" >"$T/out" 2>"$T/err" || fail "exit $?: $(cat "$T/err")"
cmp -s "$T/out" "$D/stap-ubacktrace.folded" || fail "differs: $(diff "$T/out" "$D/stap-ubacktrace.folded")"
expect_grep '1 stacks without a count' "$T/err"
"$FLAMER" collapse -q --input stap - <"$D/stap-ubacktrace.txt" >"$T/out2" || fail "stdin"
cmp -s "$T/out2" "$D/stap-ubacktrace.folded" || fail "stdin differs"
"$FLAMER" collapse -q --no-kernel "$D/stap-ubacktrace.txt" >"$T/nok" || fail "--no-kernel"
expect_no_grep '_\[k\]' "$T/nok"
expect_grep '^syscall_heavy;__write 40$' "$T/nok"
expect_no_grep 'arch_cpu_idle' "$T/nok"
exit 0
