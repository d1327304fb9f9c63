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
import { launch, sleep } from "./cdp.mjs";

const [chromium, profile, base, jsonPath, name, thread] = process.argv.slice(2);

let b = null;
function fail(msg) {
	console.error("FAIL: " + msg);
	if (b) b.close();
	process.exit(1);
}
b = await launch(chromium, profile, fail);
const consoleErrors = [];
b.on((msg) => {
	if (msg.method === "Runtime.exceptionThrown")
		consoleErrors.push(JSON.stringify(msg.params.exceptionDetails).slice(0, 300));
});
const send = b.send, evaluate = b.evaluate;
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
b.close();
process.exit(0);
