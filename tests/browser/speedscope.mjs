// speedscope.mjs - loads a speedscope JSON file in the real speedscope
// viewer (npm speedscope, its dist/release folder served over HTTP) in
// headless Chromium and checks that it was imported: no error screen, the
// document title names the file, and the viewer's profile switcher names
// the expected thread.  Needs Node >= 20 (--experimental-websocket on 20).
//
//   node speedscope.mjs CHROMIUM PROFILE_DIR BASE_URL JSON_PATH TITLE THREAD_NAME
//
// BASE_URL serves speedscope's release folder at /release/ and the JSON at
// JSON_PATH.  Prints "ok" and exits 0, or the failed check and exits 1.
import { spawn } from "node:child_process";

const [chromium, profile, base, jsonPath, name, thread] = process.argv.slice(2);

let proc = null;
function fail(msg) {
	console.error("FAIL: " + msg);
	if (proc) proc.kill("SIGKILL");
	process.exit(1);
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

proc = spawn(chromium, [
	"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
	"--no-first-run", "--disable-background-networking",
	"--disable-component-update", "--disable-sync",
	"--user-data-dir=" + profile, "--remote-debugging-port=0",
	"--window-size=1400,1000", "about:blank",
], { stdio: ["ignore", "ignore", "pipe"] });
const killer = setTimeout(() => { proc.kill("SIGKILL"); fail("timeout"); }, 90000);

const wsBrowser = await new Promise((resolve, reject) => {
	let err = "";
	proc.stderr.on("data", (d) => {
		err += d;
		const m = /DevTools listening on (ws:\/\/\S+)/.exec(err);
		if (m) resolve(m[1]);
	});
	proc.on("exit", () => reject(new Error("chromium exited: " + err.slice(-500))));
});
const port = new URL(wsBrowser).port;
let pageWs = null;
for (let i = 0; i < 50 && !pageWs; i++) {
	const list = await (await fetch(`http://127.0.0.1:${port}/json/list`)).json();
	const page = list.find((t) => t.type === "page");
	if (page) pageWs = page.webSocketDebuggerUrl;
	else await sleep(100);
}
if (!pageWs) fail("no page target");
const ws = new WebSocket(pageWs);
await new Promise((r) => ws.addEventListener("open", r));
let nextId = 1;
const pending = new Map();
const consoleErrors = [];
ws.addEventListener("message", (ev) => {
	const msg = JSON.parse(ev.data);
	if (msg.id && pending.has(msg.id)) {
		const { resolve, reject } = pending.get(msg.id);
		pending.delete(msg.id);
		if (msg.error) reject(new Error(JSON.stringify(msg.error)));
		else resolve(msg.result);
	} else if (msg.method === "Runtime.exceptionThrown") {
		consoleErrors.push(JSON.stringify(msg.params.exceptionDetails).slice(0, 300));
	}
});
function send(method, params = {}) {
	const id = nextId++;
	ws.send(JSON.stringify({ id, method, params }));
	return new Promise((resolve, reject) => pending.set(id, { resolve, reject }));
}
async function evaluate(expr) {
	const r = await send("Runtime.evaluate", { expression: expr, returnByValue: true });
	if (r.exceptionDetails) fail("exception in " + expr + ": " + JSON.stringify(r.exceptionDetails));
	return r.result.value;
}
await send("Page.enable");
await send("Runtime.enable");
await send("Page.navigate", { url: `${base}/release/index.html#profileURL=${encodeURIComponent(base + jsonPath)}` });
// the import is asynchronous: wait for the title to name the file
let title = "";
for (let i = 0; i < 50; i++) {
	title = await evaluate("document.title");
	if (title.includes(name)) break;
	await sleep(200);
}
const text = await evaluate("document.body.innerText");
if (/something went wrong|failed to import|unrecognized format/i.test(text))
	fail("speedscope shows an error: " + text.slice(0, 300));
if (!title.includes(name))
	fail(`title '${title}' does not name the profile; page: ${text.slice(0, 300)}`);
// the toolbar names the active profile (a thread) and offers Time Order
if (!text.includes("Time Order")) fail("no Time Order view: " + text.slice(0, 300));
let found = text.includes(thread);
if (!found) fail(`thread '${thread}' not shown; page text: ${text.slice(0, 400)}`);
// a canvas was drawn (the flame chart)
const canvases = await evaluate("document.querySelectorAll('canvas').length");
if (!(canvases > 0)) fail("no canvas drawn");
if (consoleErrors.length) fail("exceptions: " + consoleErrors.join("; "));
console.log("ok: " + title);
clearTimeout(killer);
ws.close();
proc.kill("SIGKILL");
process.exit(0);
