# lib.sh - helpers for flamer's script tests (sourced by tests/run.sh).
# Every helper fails the test with a message (exit 1) when its check fails.

fail() { echo "FAIL: $*" >&2; exit 1; }
skip() { echo "skip: $*"; exit 77; }

# expect_exit CODE CMD... : run CMD, require exit CODE; stderr in $T/stderr
expect_exit() {
	local want=$1; shift
	"$@" >"$T/stdout" 2>"$T/stderr"
	local got=$?
	[ "$got" -eq "$want" ] || fail "'$*' exited $got, expected $want; stderr: $(head -c 500 "$T/stderr")"
}

# expect_grep PATTERN FILE : extended regex must match a line of FILE
expect_grep() { grep -Eq -- "$1" "$2" || fail "no line matching '$1' in $2: $(head -c 800 "$2")"; }
# expect_no_grep PATTERN FILE : no line of FILE may match (the first three
# that do are shown; FILE may be a pipe, read once)
expect_no_grep() {
	local m
	m=$(grep -E -m3 -- "$1" "$2" | cut -c1-400)
	[ -z "$m" ] || fail "unexpected line matching '$1' in $2: $m"
}

# rooted_or_marked FOLDED : every stack of FOLDED (collapse output, with or
# without --pid/--tid roots) reaches a root of its thread (_start, main's
# caller in libc, clone/clone3/start_thread, ld.so's _dl_start_user) or is
# marked [truncated] (or [erlang?]: Erlang frames read late and not
# confirmed, left out with what lay under them); stacks with no user part (kernel frames right after
# the root) and a user part of one [unknown] frame (a sample in execve:
# the old image's registers) count as whole.  A stack cut short without
# the mark is the profiler claiming a caller chain it did not see.
rooted_or_marked() {
	local bad
	bad=$(awk '{ n = $NF; $NF = ""; l = $0 " "
		if (index(l, "[truncated]") || index(l, "[erlang?]")) next
		if (l ~ /;(_start|__libc_start_main|__clone3|clone3|clone|start_thread|thread_start|_dl_start_user)[; ]/) next
		if (l ~ /^[^;]*(;[0-9]+_[a-z_]+)?;[^;]*_\[k\][; ]/) next
		if (l ~ /^[^;]*(;[0-9]+_[a-z_]+)?;\[unknown\]( |;[^;]*_\[k\][; ])/) next
		print n "\t" substr(l, 1, 300) }' "$1" | head -n 5)
	[ -z "$bad" ] || fail "stacks in $1 neither rooted nor marked [truncated]: $bad"
}

# samples_matching REGEX FILE : sum of counts of folded lines whose stack matches
samples_matching() {
	awk -v re="$1" '{ n = $NF; $NF = ""; if ($0 ~ re) s += n } END { printf "%d\n", s + 0 }' "$2"
}
total_samples() { awk '{ s += $NF } END { printf "%d\n", s + 0 }' "$1"; }

# ratio_between A B LO HI : A/B must lie in [LO, HI]
ratio_between() {
	awk -v a="$1" -v b="$2" -v lo="$3" -v hi="$4" 'BEGIN { if (b == 0) exit 1; r = a / b; exit !(r >= lo && r <= hi) }' ||
		fail "ratio $1/$2 not within [$3, $4]"
}

is_root() { [ "$(id -u)" -eq 0 ]; }

# random_bytes N SEED : N pseudo-random bytes, the same for the same seed
# (Python's Mersenne Twister): a test's "garbage" input gives one known
# answer; random inputs are the fuzzers' (tests/fuzz)
random_bytes() {
	local py=/usr/bin/python3
	[ -x "$py" ] || py=python3
	"$py" -c 'import random, sys
r = random.Random(int(sys.argv[2]))
sys.stdout.buffer.write(bytes(r.getrandbits(8) for _ in range(int(sys.argv[1]))))' "$1" "$2"
}

# sanitized: whether $FLAMER is the ASan+UBSan build.  That pass checks
# memory safety; its recorder is 2-3x slower, so shares that depend on the
# recorder keeping up (live reads) get their own, measured floors there.
sanitized() { nm "$FLAMER" 2>/dev/null | grep -q __asan_; }

# svg_colors SVG: "NAME<TAB>HUE<TAB>SATURATION<TAB>LIGHTNESS" per frame box.
svg_colors() {
	awk '
	function hx(s) { return index("0123456789abcdef", tolower(s)) - 1 }
	function byte(s, i) { return hx(substr(s, i, 1)) * 16 + hx(substr(s, i + 1, 1)) }
	/<g><title>/ && match($0, /fill="#[0-9a-fA-F]+"/) {
		c = substr($0, RSTART + 7, 6)
		r = byte(c, 1) / 255; g = byte(c, 3) / 255; b = byte(c, 5) / 255
		mx = r; if (g > mx) mx = g; if (b > mx) mx = b
		mn = r; if (g < mn) mn = g; if (b < mn) mn = b
		l = (mx + mn) / 2; d = mx - mn; h = 0; s = 0
		if (d > 0) {
			s = d / (1 - (2 * l - 1 < 0 ? 1 - 2 * l : 2 * l - 1))
			if (mx == r) h = 60 * (((g - b) / d) % 6)
			else if (mx == g) h = 60 * ((b - r) / d + 2)
			else h = 60 * ((r - g) / d + 4)
			if (h < 0) h += 360
		}
		t = $0; sub(/.*<g><title>/, "", t); sub(/ \([0-9,]+ samples.*/, "", t)
		printf "%s\t%.0f\t%.2f\t%.2f\n", t, h, s, l
	}' "$1"
}
