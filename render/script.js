// flamer's flame-graph script: hover details, click to zoom, regex search,
// view kept in the URL.  It reads every name from the DOM (the <title> of
// each frame) and writes them back only as text (textContent), never as
// markup or code.
"use strict";
var svg, details, unzoombtn, searchbtn, icbtn, matchedtxt;
var xpad = 10, fontsize = 12, fontwidth = 0.59, inverted = false;
var nametype = "", fullw = 0, frames = [], root = null;
var zoomed = null, term = null, ignorecase = false;
var MATCH = "rgb(230,0,230)";

function num(el, a) { return parseFloat(el.getAttribute(a)); }

function init(evt) {
	svg = document.documentElement;
	xpad = num(svg, "data-xpad");
	fontsize = num(svg, "data-fontsize");
	fontwidth = num(svg, "data-fontwidth");
	inverted = svg.getAttribute("data-inverted") === "1";
	nametype = svg.getAttribute("data-nametype") || "";
	details = document.getElementById("details");
	unzoombtn = document.getElementById("unzoom");
	searchbtn = document.getElementById("search");
	icbtn = document.getElementById("ignorecase");
	matchedtxt = document.getElementById("matched");
	var gs = document.getElementById("frames").children;
	for (var i = 0; i < gs.length; i++) {
		var g = gs[i], r = g.querySelector("rect");
		var t = g.querySelector("title").textContent;
		var f = { g: g, rect: r, text: g.querySelector("text"),
			  info: t, name: t.replace(/ \([^(]*\)$/, ""),
			  x: num(r, "x"), w: num(r, "width"), y: num(r, "y"),
			  h: num(r, "height"), fill: r.getAttribute("fill") };
		g.fl = f;
		frames.push(f);
		if (!root || f.w > root.w) root = f;
	}
	fullw = root ? root.w : 0;
	var fg = document.getElementById("frames");
	fg.addEventListener("mouseover", function (e) {
		var f = frameOf(e.target);
		if (f) details.textContent = nametype + " " + f.info;
	});
	fg.addEventListener("mouseout", function (e) {
		if (frameOf(e.target)) details.textContent = " ";
	});
	fg.addEventListener("click", function (e) {
		var f = frameOf(e.target);
		if (!f) return;
		if (f === root) unzoom(); else zoom(f);
		updateURL();
	});
	unzoombtn.addEventListener("click", function () { unzoom(); updateURL(); });
	searchbtn.addEventListener("click", searchPrompt);
	icbtn.addEventListener("click", toggleIgnoreCase);
	window.addEventListener("keydown", function (e) {
		if (e.keyCode === 114 || ((e.ctrlKey || e.metaKey) && e.keyCode === 70)) {
			e.preventDefault();
			searchPrompt();
		} else if ((e.ctrlKey || e.metaKey) && e.keyCode === 73) {
			e.preventDefault();
			toggleIgnoreCase();
		}
	});
	restoreFromURL();
}

function frameOf(el) {
	while (el && el !== svg) {
		if (el.fl) return el.fl;
		el = el.parentNode;
	}
	return null;
}

// Label fitted to a width, as the renderer does it: the whole name, or a
// prefix and "..", or nothing below three characters.
function fitText(f, x, w) {
	var chars = Math.floor(w / (fontsize * fontwidth));
	if (!f.text) {
		if (chars < 3) return;
		f.text = document.createElementNS("http://www.w3.org/2000/svg", "text");
		f.text.setAttribute("y", (f.y + f.h / 2 + 3).toFixed(1));
		f.g.appendChild(f.text);
	}
	f.text.setAttribute("x", (x + 3).toFixed(2));
	var s = "";
	if (chars >= 3) {
		var cs = Array.from(f.name);
		s = cs.length <= chars ? f.name : cs.slice(0, chars - 2).join("") + "..";
	}
	f.text.textContent = s;
}

function place(f, x, w) {
	f.rect.setAttribute("x", x.toFixed(2));
	f.rect.setAttribute("width", w.toFixed(2));
	fitText(f, x, w);
}

function zoom(z) {
	var eps = 0.02, ratio = fullw / z.w;
	zoomed = z;
	unzoombtn.classList.remove("hide");
	for (var i = 0; i < frames.length; i++) {
		var f = frames[i], g = f.g;
		var above = inverted ? f.y > z.y : f.y < z.y;
		var inside = f.x >= z.x - eps && f.x + f.w <= z.x + z.w + eps;
		var covers = f.x <= z.x + eps && f.x + f.w >= z.x + z.w - eps;
		g.classList.remove("parent", "hide");
		if (f === z || (above && inside)) {
			place(f, xpad + (f.x - z.x) * ratio, f.w * ratio);
		} else if (!above && f.y !== z.y && covers) {
			g.classList.add("parent");
			place(f, xpad, fullw);
		} else {
			g.classList.add("hide");
		}
	}
}

function unzoom() {
	zoomed = null;
	unzoombtn.classList.add("hide");
	for (var i = 0; i < frames.length; i++) {
		var f = frames[i];
		f.g.classList.remove("parent", "hide");
		place(f, f.x, f.w);
	}
}

function searchPrompt() {
	if (term !== null) {
		resetSearch();
		updateURL();
		return;
	}
	var t = prompt("Enter a search term (regexp allowed, eg: ^ext4_)" +
		(ignorecase ? ", ignoring case" : "") +
		"\nPress Ctrl-i to toggle case sensitivity", "");
	if (t) {
		search(t);
		updateURL();
	}
}

function toggleIgnoreCase() {
	ignorecase = !ignorecase;
	icbtn.classList.toggle("show", ignorecase);
	if (term !== null) search(term);
	updateURL();
}

function resetSearch() {
	term = null;
	for (var i = 0; i < frames.length; i++)
		frames[i].rect.setAttribute("fill", frames[i].fill);
	searchbtn.classList.remove("show");
	searchbtn.textContent = "Search";
	matchedtxt.classList.add("hide");
}

// Highlights the frames whose name matches; "Matched" is the share of the
// whole graph they cover, each sample counted once even when a match is
// nested in another.  Returns the percentage text.
function search(t) {
	var re;
	try {
		re = new RegExp(t, ignorecase ? "i" : "");
	} catch (err) {
		details.textContent = "invalid regular expression: " + err.message;
		return null;
	}
	resetSearch();
	term = t;
	var hits = [];
	for (var i = 0; i < frames.length; i++) {
		var f = frames[i];
		if (f !== root && re.test(f.name)) {
			f.rect.setAttribute("fill", MATCH);
			hits.push(f);
		}
	}
	hits.sort(function (a, b) { return a.x - b.x || b.w - a.w; });
	var sum = 0, end = -Infinity;
	for (var j = 0; j < hits.length; j++) {
		var h = hits[j];
		if (h.x + h.w <= end + 0.02) continue; // nested in a counted match
		sum += h.w;
		end = h.x + h.w;
	}
	var pct = fullw > 0 ? 100 * sum / fullw : 0;
	var txt = "Matched: " + (Math.abs(pct - 100) < 0.05 ? "100" : pct.toFixed(1)) + "%";
	searchbtn.classList.add("show");
	searchbtn.textContent = "Reset Search";
	matchedtxt.textContent = txt;
	matchedtxt.classList.remove("hide");
	return txt;
}

function updateURL() {
	var p = new URLSearchParams();
	if (zoomed) {
		p.set("x", zoomed.x.toFixed(2));
		p.set("y", String(zoomed.y));
	}
	if (term !== null) p.set("s", term);
	if (ignorecase) p.set("i", "1");
	var q = p.toString();
	try {
		history.replaceState(null, "", location.pathname + (q ? "?" + q : "") + location.hash);
	} catch (err) {
		// some viewers refuse history changes on file: URLs
	}
}

function restoreFromURL() {
	var p = new URLSearchParams(location.search);
	if (p.get("i") === "1") {
		ignorecase = true;
		icbtn.classList.add("show");
	}
	if (p.has("x") && p.has("y")) {
		var x = parseFloat(p.get("x")), y = parseFloat(p.get("y"));
		for (var i = 0; i < frames.length; i++) {
			var f = frames[i];
			if (Math.abs(f.x - x) < 0.006 && Math.abs(f.y - y) < 0.006 && f !== root) {
				zoom(f);
				break;
			}
		}
	}
	if (p.get("s")) search(p.get("s"));
}
