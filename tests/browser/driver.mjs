// driver.mjs - drives headless Chromium over the DevTools protocol to check
// a flamer SVG's interactivity.  Needs Node >= 20 (run with
// --experimental-websocket on Node 20; Node 22 has WebSocket built in).
//
//   node driver.mjs CHROMIUM PROFILE_DIR MAIN_SVG XSS_SVG EVIL_NAME \
//        ZOOM_NAME SEARCH1 EXPECT1 SEARCH2 EXPECT2
//
// MAIN_SVG: a graph with a frame named ZOOM_NAME (not the root's only
// child).  SEARCHn/EXPECTn: a regex and the "Matched: N%" text it must give.
// XSS_SVG: a graph holding a frame named EVIL_NAME.  Prints "ok" and exits 0
// when every check passes; prints the failed check and exits 1 otherwise.
import { pathToFileURL } from "node:url";
import { launch, sleep } from "./cdp.mjs";

const [chromium, profile, mainSvg, xssSvg, evilName, zoomName,
	search1, expect1, search2, expect2] = process.argv.slice(2);

let b = null;
function fail(msg) {
	console.error("FAIL: " + msg);
	if (b) b.close();
	process.exit(1);
}
b = await launch(chromium, profile, fail);
const send = b.send, evaluate = b.evaluate;
const dialogs = [];
let promptAnswer = null;
b.on((msg) => {
	if (msg.method === "Page.javascriptDialogOpening") {
		dialogs.push(msg.params);
		send("Page.handleJavaScriptDialog", {
			accept: promptAnswer !== null,
			promptText: promptAnswer || "",
		});
	}
});
async function navigate(url) {
	const loaded = new Promise((resolve) => {
		const l = (m) => {
			if (m.method === "Page.loadEventFired") {
				b.off(l);
				resolve();
			}
		};
		b.on(l);
	});
	await send("Page.navigate", { url });
	await loaded;
	await sleep(200);
}
async function clickAt(x, y) {
	await send("Input.dispatchMouseEvent", { type: "mouseMoved", x, y });
	await send("Input.dispatchMouseEvent", { type: "mousePressed", x, y, button: "left", clickCount: 1 });
	await send("Input.dispatchMouseEvent", { type: "mouseReleased", x, y, button: "left", clickCount: 1 });
	await sleep(150);
}
// Centre of the rect of the frame whose full name is `name`, in page px.
async function frameCenter(name) {
	return evaluate(`(function () {
		var gs = document.querySelectorAll("#frames > g");
		for (var i = 0; i < gs.length; i++) {
			if (gs[i].fl && gs[i].fl.name === ${JSON.stringify(name)}) {
				var b = gs[i].querySelector("rect").getBoundingClientRect();
				return { x: b.x + Math.min(b.width / 2, 20), y: b.y + b.height / 2, w: b.width };
			}
		}
		return null;
	})()`);
}
const frameWidth = (name) => evaluate(`(function () {
	var gs = document.querySelectorAll("#frames > g");
	for (var i = 0; i < gs.length; i++)
		if (gs[i].fl && gs[i].fl.name === ${JSON.stringify(name)})
			return parseFloat(gs[i].querySelector("rect").getAttribute("width"));
	return -1;
})()`);
const fullWidth = () => evaluate(`parseFloat(document.querySelector("#frames > g > rect").getAttribute("width"))`);

await send("Page.enable");
await send("Runtime.enable");
const mainUrl = pathToFileURL(mainSvg).href;

// 1. hover: the status line shows the frame
await navigate(mainUrl);
const c = await frameCenter(zoomName);
if (!c) fail("frame " + zoomName + " not found");
await send("Input.dispatchMouseEvent", { type: "mouseMoved", x: c.x, y: c.y });
await sleep(100);
const det = await evaluate(`document.getElementById("details").textContent`);
if (!det.includes(zoomName) || !/samples/.test(det)) fail("hover status line: " + det);

// 2. click to zoom
const full = await fullWidth();
const before = await frameWidth(zoomName);
if (!(before > 0 && before < full - 1)) fail("frame already full width: " + before);
await clickAt(c.x, c.y);
const after = await frameWidth(zoomName);
if (Math.abs(after - full) > 0.1) fail(`zoomed width ${after}, want ${full}`);
const hidden = await evaluate(`document.querySelectorAll("#frames > g.hide").length`);
const parents = await evaluate(`document.querySelectorAll("#frames > g.parent").length`);
if (hidden < 1) fail("zoom hid no frame");
if (parents < 1) fail("zoom dimmed no ancestor");
if (await evaluate(`document.getElementById("unzoom").classList.contains("hide")`))
	fail("Reset Zoom not shown");
const zoomUrl = await evaluate("location.href");
if (!/[?&]x=/.test(zoomUrl) || !/[?&]y=/.test(zoomUrl)) fail("zoom not in URL: " + zoomUrl);

// 3. the URL reopens the same view
await navigate(zoomUrl);
if (Math.abs((await frameWidth(zoomName)) - full) > 0.1) fail("URL did not restore the zoom");

// 4. Reset Zoom
const uz = await evaluate(`(function () { var b = document.getElementById("unzoom").getBoundingClientRect(); return { x: b.x + 5, y: b.y + b.height / 2 }; })()`);
await clickAt(uz.x, uz.y);
if (Math.abs((await frameWidth(zoomName)) - before) > 0.1) fail("Reset Zoom did not restore the width");
if ((await evaluate(`document.querySelectorAll("#frames > g.hide").length`)) !== 0) fail("frames still hidden after reset");

// 5. search with the button (a prompt)
promptAnswer = search1;
const sb = await evaluate(`(function () { var b = document.getElementById("search").getBoundingClientRect(); return { x: b.x + 5, y: b.y + b.height / 2 }; })()`);
await clickAt(sb.x, sb.y);
await sleep(200);
if (dialogs.length !== 1 || dialogs[0].type !== "prompt") fail("search button gave no prompt");
let matched = await evaluate(`document.getElementById("matched").textContent`);
if (matched !== expect1) fail(`search ${search1}: "${matched}", want "${expect1}"`);
const hl = await evaluate(`Array.from(document.querySelectorAll("#frames rect")).filter(function (r) { return r.getAttribute("fill") === "rgb(230,0,230)"; }).length`);
if (hl < 1) fail("no frame highlighted");
if (!(await evaluate("location.search")).includes("s=")) fail("search not in URL");

// 6. Ctrl-F: first click resets the search, then the key opens the prompt
await clickAt(sb.x, sb.y);
promptAnswer = search2;
await send("Input.dispatchKeyEvent", { type: "rawKeyDown", key: "f", code: "KeyF", windowsVirtualKeyCode: 70, modifiers: 2 });
await send("Input.dispatchKeyEvent", { type: "keyUp", key: "f", code: "KeyF", windowsVirtualKeyCode: 70, modifiers: 2 });
await sleep(300);
if (dialogs.length !== 2) fail("Ctrl-F gave no prompt");
matched = await evaluate(`document.getElementById("matched").textContent`);
if (matched !== expect2) fail(`search ${search2}: "${matched}", want "${expect2}"`);

// 7. a hostile name is text and runs nothing
promptAnswer = null;
dialogs.length = 0;
await navigate(pathToFileURL(xssSvg).href);
const e = await frameCenter(evilName);
if (!e) fail("evil frame not found by its name");
await send("Input.dispatchMouseEvent", { type: "mouseMoved", x: e.x, y: e.y });
await clickAt(e.x, e.y);
await sleep(500);
if (dialogs.length) fail("a dialog fired: " + JSON.stringify(dialogs));
const imgs = await evaluate(`document.getElementsByTagName("img").length + document.getElementsByTagNameNS("http://www.w3.org/1999/xhtml", "*").length`);
if (imgs !== 0) fail("markup from a name became elements");
const shown = await evaluate(`document.getElementById("details").textContent`);
if (!shown.includes(evilName)) fail("evil name not shown as text: " + shown);

b.close();
console.log("ok");
process.exit(0);
