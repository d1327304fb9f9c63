// deep.js - two JavaScript recursions that never call each other, for
// checking how stacks deeper than the stack copy are shown (run with node
// --perf-basic-prof --no-turbo-inlining).
//
//   main loop -> walkA(400) -> walkA(399) -> ... -> walkA(0) -> work
//   main loop -> walkB(400) -> walkB(399) -> ... -> walkB(0) -> work
//
// walkA only ever calls walkA or work, walkB only walkB or work: a stack
// holding both walkA and walkB frames is wrong.
//
// Usage: node ... deep.js [SECONDS [PIDFILE]]
'use strict';

function work(n) {
	let x = 3;
	for (let i = 0; i < n; i++)
		x = (x * 1103515245 + 12345) % 2147483648;
	return x;
}

function walkA(n) {
	if (n === 0)
		return work(20000);
	return walkA(n - 1) + 1;
}

function walkB(n) {
	if (n === 0)
		return work(20000);
	return walkB(n - 1) + 2;
}

const seconds = Number(process.argv[2] || 5);
if (process.argv[3])
	require('fs').writeFileSync(process.argv[3], process.pid + '\n');
const end = Date.now() + 1000 * seconds;
let total = 0;
while (Date.now() < end) {
	total += walkA(400);
	total += walkB(400);
}
if (total === 42)
	console.log(total); // keeps the result alive
