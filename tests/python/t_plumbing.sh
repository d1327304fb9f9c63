# t_plumbing.sh - the interpreter's call plumbing is folded away at collapse
# time, so Python stacks read the same on every CPython version.
# samples/python/plumbing.py calls a pure-Python leaf in every way CPython
# has (bound method, keywords, *args, generator under sum(), decorator,
# property, class call, functools.partial) and does C work with one known
# Python caller each (sorted, zlib.compress, json.dumps).  Recorded under
# every installed CPython 3.8-3.13 and Debian's python3.11; for each:
# - every Python chain of plumbing.py (names reduced to their last
#   qualname part, as 3.8-3.10 have no qualified names) is one the program
#   can be in, by construction, and the eleven chains of outer's routes
#   and main's C work are all there: the same set on every version;
# - between two plumbing.py frames the default output has no native frame
#   but the C functions that do the work (sum, sorted's list_sort): a
#   chain "outer;K.meth;leaf" has nothing between outer and K.meth on 3.8
#   either, where --native-all shows call_function and friends;
# - zlib_compress and builtin_sorted stay right under a Python frame, and
#   more than half under do_zlib/do_sort (folding never drops or moves the
#   caller; but the live read can name a later caller, issue 13, which a
#   BPF read removes: measured 99-100 % on an idle machine, 78 % for
#   sorted on 3.9 with the 2 cores loaded by other runs);
# - --python-only keeps Python, kernel, [truncated] and [invalid] frames.
# Samples flagged ambiguous or [invalid] keep all native frames (by
# design: they are the evidence), so such lines are left out: ambiguous
# ones show their _PyEval_EvalFrameDefault frames; [invalid] ones (a code
# object gone before it was named, ~14 a run, mostly at import) have
# their eval frames replaced by Python frames, and the plumbing shows
# (fresh-clone run 13: builtin_sorted under cfunction_vectorcall_... on
# 3.9).
. tests/python/pyreclib.sh
W=plumbing\\.py
ran=0
# strip compiler suffixes (Debian's LTO build: "builtin_sorted.lto_priv.0")
CHAINS_AWK='
function short(x) { sub(/ \(.*/, "", x); sub(/.*\./, "", x); return x }
{ n = $NF; $NF = ""; sub(/ $/, ""); if ($0 ~ /_PyEval_EvalFrameDefault|\[invalid\]/) next
  k = split($0, f, ";"); s = ""; on = 0
  for (i = 1; i <= k; i++) {
	if (f[i] ~ /^<module> \([^;]*plumbing\.py\)$/) on = 1
	if (!on) continue
	if (f[i] ~ / \([^;]*plumbing\.py\)$/) s = s (s == "" ? "" : ";") short(f[i])
	else if (f[i] ~ / \(([^;]*\.py|<[^;]*>)\)$/) { s = s ";[other]"; break }
  }
  if (on) c[s] += n }
END { for (s in c) print s, c[s] }'

# between FILE: native frames between two plumbing.py frames, one line
# per occurrence ("-" when adjacent), suffixes stripped.
between() {
	awk -v w="$W" '{ n = $NF; $NF = ""; sub(/ $/, ""); if ($0 ~ /_PyEval_EvalFrameDefault|\[invalid\]/) next
		k = split($0, f, ";"); last = 0
		for (i = 1; i <= k; i++) {
			if (f[i] !~ / \([^;]*\.py\)$/ && f[i] !~ / \(<[^;]*>\)$/) continue
			if (f[i] ~ (" \\([^;]*" w "\\)$") && last) {
				s = ""
				for (j = last + 1; j < i; j++) { x = f[j]; sub(/\..*/, "", x); s = s (s == "" ? "" : ";") x }
				print (s == "" ? "-" : s)
			}
			last = (f[i] ~ (" \\([^;]*" w "\\)$")) ? i : 0
		} }' "$1" | sort | uniq -c
}

check_version() {
	local name=$1 py=$2 chains missing bad c total under
	py_record "$name" -- "$py" "$PYDIR/plumbing.py" 4
	"$FLAMER" collapse -q --native-all "$T/$name.data" >"$T/$name.all" || fail "$name: --native-all"
	"$FLAMER" collapse -q --python-only "$T/$name.data" >"$T/$name.pyonly" || fail "$name: --python-only"
	awk "$CHAINS_AWK" "$T/$name.folded" | sort >"$T/$name.chains"
	# every chain is a state the program can be in (at import, <module>
	# runs class K's body and applies @deco, which calls functools.wraps:
	# a sample there is rare, but true; seen once in ~10 runs on 3.11)
	bad=$(awk '{ $NF = ""; sub(/ $/, ""); print }' "$T/$name.chains" | grep -vxE \
		'<module>(;\[other\]|;K|;deco(;\[other\])?|;main(;<listcomp>|;outer(;(meth|kw|star|gen|prop|__init__|w(;decorated)?)(;leaf)?|;leaf)?|;do_sort(;key)?|;do_zlib|;do_json(;\[other\])?)?)?' || true)
	[ -z "$bad" ] || fail "$name: Python chains no call of plumbing.py makes: $bad"
	missing=
	for c in meth kw star gen prop __init__ 'w;decorated'; do
		grep -q "^<module>;main;outer;$c;leaf " "$T/$name.chains" || missing="$missing outer;$c;leaf"
	done
	for c in 'outer;leaf' 'do_sort;key' do_zlib 'do_json;\[other\]'; do
		grep -q "^<module>;main;$c " "$T/$name.chains" || missing="$missing $c"
	done
	[ -z "$missing" ] || fail "$name: chains missing:$missing ($(tr '\n' ' ' <"$T/$name.chains"))"
	# nothing but the C work between two plumbing.py frames: sum, sorted
	# (its key), and __build_class__, the builtin that runs class K's body
	# at import (<module>;builtin___build_class__;K: a builtin that calls
	# back into Python stays where it ran, like sorted; 1 sample in ~2,000
	# of one ASan run on 3.13, fresh-clone run 30)
	between "$T/$name.folded" >"$T/$name.between"
	bad=$(awk '$2 != "-" && $2 != "builtin_sum" && $2 != "builtin_sorted;list_sort;list_sort_impl" && $2 != "builtin___build_class__"' "$T/$name.between")
	[ -z "$bad" ] || fail "$name: native frames left between Python frames: $bad"
	grep -q ' -$' "$T/$name.between" || fail "$name: no adjacent Python frames"
	between "$T/$name.all" >"$T/$name.between.all"
	awk '$2 != "-" && $2 != "builtin_sum" && $2 != "builtin_sorted;list_sort;list_sort_impl" { f = 1 } END { exit !f }' \
		"$T/$name.between.all" || fail "$name: --native-all shows no plumbing between Python frames"
	# C work right under a Python frame, mostly its own caller
	for c in zlib_compress:do_zlib builtin_sorted:do_sort; do
		bad=$(awk -v fn="${c%%:*}" '{ $NF = ""; if ($0 ~ /_PyEval_EvalFrameDefault|\[invalid\]/) next
			k = split($0, f, ";"); for (i = 2; i <= k; i++) { x = f[i]; sub(/\..*/, "", x)
			if (x == fn && f[i - 1] !~ / \([^;]*\.py\)$/) { print f[i - 1] "'"'"' in: " substr($0, 1, 1500); exit } } }' "$T/$name.folded")
		[ -z "$bad" ] || fail "$name: ${c%%:*} under '$bad', not under a Python frame"
		total=$(samples_matching ";${c%%:*}(\\.[^;]*)?(;|\$)" "$T/$name.folded")
		under=$(samples_matching "${c#*:} \\([^;]*$W\\);${c%%:*}(\\.[^;]*)?(;|\$)" "$T/$name.folded")
		[ "$total" -ge 10 ] || fail "$name: only $total samples in ${c%%:*}"
		py_fraction_ok "$under" "$total" 50 "$name: ${c%%:*} under ${c#*:}"
	done
	# --python-only: Python, kernel, [truncated], [invalid] only
	bad=$(awk '{ $NF = ""; sub(/ $/, ""); if ($0 !~ / \([^;]*\.py\)/) next
		k = split($0, f, ";")
		for (i = 2; i <= k; i++)
			if (f[i] !~ / \(([^;]*\.py|<[^;]*>)\)$/ && f[i] !~ /_\[k\]$/ &&
			    f[i] != "[invalid]" && f[i] != "[truncated]") { print f[i]; exit } }' "$T/$name.pyonly")
	[ -z "$bad" ] || fail "$name: --python-only kept '$bad'"
	expect_grep "do_zlib \\([^;]*$W\\) [0-9]+\$" "$T/$name.pyonly"
	echo "$name: $(awk '{ s += $NF } END { print s }' "$T/$name.chains") samples in plumbing.py, chains identical"
	ran=$((ran + 1))
}

while read -r name py _minor; do
	check_version "$name" "$py"
done < <(py_targets)
# every version gave the same set of main chains
for f in "$T"/*.chains; do
	grep -E '^<module>;main;(outer;[^ ]*leaf|do_sort;key|do_zlib|do_json;\[other\]) ' "$f" | awk '{ print $1 }' | sort >"$f.main"
done
first=$(ls "$T"/*.chains.main | head -1)
for f in "$T"/*.chains.main; do
	cmp -s "$first" "$f" || fail "chains differ: $first vs $f: $(diff "$first" "$f" | head -5)"
done
[ "$ran" -gt 0 ] || skip "no CPython 3.8-3.13 installed"
