# t_broken_elf.sh - a target whose symbol tables, CFI and DWARF are random
# bytes (the program still runs: it needs none of them): every unwind mode
# records without a crash or hang, the summary matches the recording, and
# frames come out as [module]/[unknown] or [truncated], not garbage.
. tests/faults/faultlib.sh
command -v readelf >/dev/null || skip "readelf not installed"
src=$PWD/samples/bin/tree-nofp
[ -x "$src" ] || skip "build samples first (make samples)"
build_recdump
bin=$T/broken
cp "$src" "$bin"
n=0
while read -r name off size; do
	dd if=/dev/urandom of="$bin" bs=1 seek=$((16#$off)) count=$((16#$size)) conv=notrunc 2>/dev/null
	n=$((n + 1))
done < <(readelf -SW "$bin" | awk '$2 ~ /^\.(eh_frame|eh_frame_hdr|debug_[a-z_]+|symtab|strtab)$/ { print $2, $5, $6 }')
[ $n -ge 4 ] || skip "sample binary has too few sections to break ($n)"
"$bin" -d 0.05 || skip "the broken binary does not run"
for mode in dwarf auto fp; do
	expect_exit 0 timeout 60 "$FLAMER" record --unwind $mode --inline -F 999 -o "$T/$mode.data" -- "$bin" -d 1
	cat "$T/stderr"
	expect_no_grep 'Sanitizer|runtime error' "$T/stderr"
	check_recording "$T/$mode.data" "$T/stderr"
	[ "$(field samples "$T/dump")" -gt 50 ] || fail "$mode: too few samples"
	expect_exit 0 "$FLAMER" collapse "$T/$mode.data"
	# the frames from the broken binary have no names to find
	expect_no_grep '(^|;)(leaf_a|leaf_b|outer)(;| )' "$T/stdout"
	! LC_ALL=C grep -q '[^[:print:]]' "$T/stdout" || fail "$mode: unprintable bytes in frame names"
done
echo "broken ELF ok"
