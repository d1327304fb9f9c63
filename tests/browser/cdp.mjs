// cdp.mjs - headless Chromium driven over the DevTools protocol, shared by
// the browser tests (driver.mjs: the SVG's interactivity; speedscope.mjs:
// the real speedscope viewer).  Needs Node >= 20 (--experimental-websocket
// on Node 20; Node 22 has WebSocket built in).
//
//   const b = await launch(chromium, profileDir, fail);
//   b.on(msg => ...)            every event the page sends
//   await b.send(method, params)
//   await b.evaluate(expr)      its value (fail()s on an exception)
//   b.close()                   kills Chromium
//
// fail(message) must not return (the scripts print and exit 1); launch
// kills Chromium and fails after 90 s.
import { spawn } from "node:child_process";

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

export async function launch(chromium, profile, fail) {
	const proc = spawn(chromium, [
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
	if (!pageWs) {
		proc.kill("SIGKILL");
		fail("no page target");
	}
	const ws = new WebSocket(pageWs);
	await new Promise((r) => ws.addEventListener("open", r));
	let nextId = 1;
	const pending = new Map();
	const listeners = [];
	ws.addEventListener("message", (ev) => {
		const msg = JSON.parse(ev.data);
		if (msg.id && pending.has(msg.id)) {
			const { resolve, reject } = pending.get(msg.id);
			pending.delete(msg.id);
			if (msg.error) reject(new Error(JSON.stringify(msg.error)));
			else resolve(msg.result);
			return;
		}
		for (const l of listeners.slice()) l(msg);
	});
	const send = (method, params = {}) => {
		const id = nextId++;
		ws.send(JSON.stringify({ id, method, params }));
		return new Promise((resolve, reject) => pending.set(id, { resolve, reject }));
	};
	return {
		send,
		on: (l) => listeners.push(l),
		off: (l) => listeners.splice(listeners.indexOf(l), 1),
		async evaluate(expr) {
			const r = await send("Runtime.evaluate", { expression: expr, returnByValue: true });
			if (r.exceptionDetails) fail("exception in " + expr + ": " + JSON.stringify(r.exceptionDetails));
			return r.result.value;
		},
		close() {
			clearTimeout(killer);
			ws.close();
			proc.kill("SIGKILL");
		},
	};
}
