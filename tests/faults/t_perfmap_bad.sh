# t_perfmap_bad.sh - a target writes a perf map (/tmp/perf-PID.map) with
# bad lines among good ones: recording works, and the bad lines are counted
# in one warning naming the map; a map that is a symlink is not trusted.
wl=$PWD/samples/bin/tree-fp
[ -x "$wl" ] || skip "build samples first (make samples)"
maps=
trap 'rm -f $maps; rm -rf "$T"' EXIT
cat >"$T/run.sh" <<'SH'
map=/tmp/perf-$$.map
echo "$map" >"$1"
printf '7f0000001000 100 good_fn\nbad line here\n0xzz 10 x\nffffffffffffffff 10 wrap\n7f0000002000 10 ok2\n' >"$map"
head -c 5000 /dev/zero | tr '\0' 'n' >>"$map"; echo >>"$map"
exec "$2" -d 2.5
SH
expect_exit 0 timeout 60 "$FLAMER" record -F 999 -o "$T/r.data" -- sh "$T/run.sh" "$T/mapname" "$wl"
maps="$maps $(cat "$T/mapname")"
cat "$T/stderr"
expect_grep "^flamer: $(cat "$T/mapname"): 4 malformed lines skipped" "$T/stderr"
expect_exit 0 "$FLAMER" collapse "$T/r.data"
[ "$(samples_matching 'left;leaf_a' "$T/stdout")" -gt 0 ] || fail "stacks not named"

# a symlink as the map: never followed (no warning about its lines)
cat >"$T/link.sh" <<'SH'
map=/tmp/perf-$$.map
echo "$map" >"$1"
printf 'garbage\ngarbage\n' >"$1.target"
ln -s "$1.target" "$map"
exec "$2" -d 1.5
SH
expect_exit 0 timeout 60 "$FLAMER" record -F 999 -o "$T/l.data" -- sh "$T/link.sh" "$T/linkname" "$wl"
maps="$maps $(cat "$T/linkname")"
cat "$T/stderr"
expect_no_grep 'malformed lines' "$T/stderr"
echo "perf map ok"
