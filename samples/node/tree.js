// tree.js - a JavaScript call tree with known callers, for perf-map JIT
// tests (run with node --perf-basic-prof --interpreted-frames-native-stack
// --no-turbo-inlining, so every function keeps its own named frame).
//
//   outer -> inner -> hot    (hot: 300000 steps per call)
//   outer -> side  -> hot2   (hot2: 100000 steps per call)
//
// hot is only ever called by inner, hot2 only by side.
//
// Usage: node ... tree.js [SECONDS [PIDFILE]]
'use strict';

function hot(n) {
	let x = 1;
	for (let i = 0; i < n; i++)
		x = (x * 1103515245 + 12345) % 2147483648;
	return x;
}

function inner() { return hot(300000); }

function hot2(n) {
	let x = 7;
	for (let i = 0; i < n; i++)
		x = (x * 69069 + 1) % 4294967296;
	return x;
}

function side() { return hot2(100000); }

function outer() {
	let s = 0;
	for (let k = 0; k < 10; k++) {
		s += inner();
		s += side();
	}
	return s;
}

const seconds = Number(process.argv[2] || 5);
if (process.argv[3])
	require('fs').writeFileSync(process.argv[3], process.pid + '\n');
const end = Date.now() + 1000 * seconds;
let total = 0;
while (Date.now() < end)
	total += outer();
if (total === 42)
	console.log(total); // keeps the result alive
