# t_browser.sh - the SVG's interactivity in headless Chromium: hover, click
# to zoom, URL state, Reset Zoom, regex search (button and Ctrl-F) with the
# matched percentage, and a hostile function name that must stay text.
command -v chromium >/dev/null || skip "chromium not installed"
command -v node >/dev/null || skip "node not installed"
node_flags=
if ! node -e 'if (typeof WebSocket !== "function") process.exit(1)' 2>/dev/null; then
	node --experimental-websocket -e 'if (typeof WebSocket !== "function") process.exit(1)' 2>/dev/null ||
		skip "node has no WebSocket (needs Node >= 20)"
	node_flags=--experimental-websocket
fi

cat >"$T/main.folded" <<'F'
main;parse;lex 20
main;parse;lex;next_char 10
main;run;eval;lookup 35
main;run;eval;alloc 15
main;run;gc_[k] 5
main;idle 15
F
# expected "Matched: N%": samples of stacks with any frame matching / total
matched() {
	awk -v re="$1" '{ n = $NF; s = $0; sub(/ [0-9.]+$/, "", s); k = split(s, f, ";")
		hit = 0; for (i = 1; i <= k; i++) { g = f[i]; sub(/_\[[kijw]\]$/, "", g); if (g ~ re) hit = 1 }
		t += n; if (hit) m += n }
		END { p = 100 * m / t; if (p > 99.95) print "Matched: 100%"; else printf "Matched: %.1f%%\n", p }' "$2"
}
exp1=$(matched '^(lex|lookup)$' "$T/main.folded")
exp2=$(matched 'e' "$T/main.folded")
[ "$exp1" = "Matched: 65.0%" ] || fail "fixture arithmetic: $exp1"
"$FLAMER" svg --minwidth 0 -o "$T/main.svg" "$T/main.folded" || fail "svg failed"

evil='<img src=x onerror=alert(1)>'
printf 'main;%s;leaf 5\nmain;x]]>y 3\nmain;<script>alert(2)</script> 2\n' "$evil" >"$T/xss.folded"
"$FLAMER" svg -o "$T/xss.svg" "$T/xss.folded" || fail "svg failed"

node $node_flags tests/browser/driver.mjs /usr/bin/chromium "$T/profile" \
	"$T/main.svg" "$T/xss.svg" "$evil" run \
	'^(lex|lookup)$' "$exp1" e "$exp2" || fail "browser checks failed"
