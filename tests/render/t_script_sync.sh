# t_script_sync.sh - render/script.c is generated from render/script.js;
# fail when someone edited one without regenerating the other.
render/gen_script.sh >"$T/script.c" || fail "gen_script.sh failed"
diff -u render/script.c "$T/script.c" >"$T/diff" ||
	fail "render/script.c is stale: run render/gen_script.sh > render/script.c: $(head -20 "$T/diff")"
if command -v node >/dev/null; then
	node --check render/script.js 2>"$T/err" || fail "script.js does not parse: $(cat "$T/err")"
fi
