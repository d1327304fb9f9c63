# t_speedscope.sh - flamer's speedscope export of a recording (a profile
# per thread, time-ordered samples in nanoseconds) loads in the real
# speedscope viewer (npm speedscope 1.25, installed by `make deps-test`
# under $FLAMER_NPM_DIR) in headless Chromium; so does the aggregate of
# collapsed input.
npm_dir=${FLAMER_NPM_DIR:-/var/cache/flamer/npm}
release=$npm_dir/node_modules/speedscope/dist/release
command -v chromium >/dev/null || skip "chromium not installed"
command -v node >/dev/null || skip "node not installed"
command -v python3 >/dev/null || skip "python3 not installed"
[ -f "$release/index.html" ] || skip "speedscope not installed in $npm_dir (make deps-test)"
[ -x samples/bin/threads-fp ] || fail "samples/bin/threads-fp not built (make samples)"
node_flags=
if ! node -e 'if (typeof WebSocket !== "function") process.exit(1)' 2>/dev/null; then
	node --experimental-websocket -e 'if (typeof WebSocket !== "function") process.exit(1)' 2>/dev/null ||
		skip "node has no WebSocket (needs Node >= 20)"
	node_flags=--experimental-websocket
fi
mkdir -p "$T/www"
ln -s "$release" "$T/www/release"
"$FLAMER" record -q -F 199 -o "$T/t.data" -- samples/bin/threads-fp -b 2 -d 1 ||
	fail "record failed"
"$FLAMER" collapse --format speedscope -o "$T/www/threads.json" "$T/t.data" || fail "speedscope export"
printf 'main;a 3\nmain;b 2\n' >"$T/agg.folded"
"$FLAMER" collapse --format speedscope -o "$T/www/agg.json" "$T/agg.folded" || fail "aggregate export"
# the viewer's toolbar shows the first thread's profile as "NAME (1/N)"
python3 - "$T/www/threads.json" >"$T/thread" <<'PY' || fail "export: $(cat "$T/thread")"
import json, sys
p = json.load(open(sys.argv[1]))["profiles"]
assert len(p) >= 2, "want a profile per burner thread: %d profiles" % len(p)
assert all(x["unit"] == "nanoseconds" for x in p)
print("%s (1/%d)" % (p[0]["name"], len(p)))
PY
thread=$(cat "$T/thread")
python3 -m http.server --bind 127.0.0.1 0 --directory "$T/www" >"$T/http.log" 2>&1 &
srv=$!
trap 'kill $srv 2>/dev/null' EXIT
for _ in $(seq 50); do
	port=$(sed -n 's/.*port \([0-9]*\).*/\1/p' "$T/http.log" | head -1)
	[ -n "$port" ] && break
	sleep 0.1
done
[ -n "$port" ] || fail "http server did not start: $(cat "$T/http.log")"
node $node_flags tests/browser/speedscope.mjs /usr/bin/chromium "$T/p1" \
	"http://127.0.0.1:$port" /threads.json t.data "$thread" || fail "speedscope did not load the recording's export"
node $node_flags tests/browser/speedscope.mjs /usr/bin/chromium "$T/p2" \
	"http://127.0.0.1:$port" /agg.json agg.folded main || fail "speedscope did not load the aggregate export"
