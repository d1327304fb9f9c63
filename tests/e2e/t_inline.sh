# --inline: a helper that is always inlined shows up as its own frame,
# marked _[i], under the function it was inlined into; without --inline
# its samples belong to that function.
. tests/e2e/e2elib.sh
need_sample inl-nofp

record "$T/inl.data" --inline -- "$SAMPLES/inl-nofp" -d 2.5
fold "$T/inl.data"
f="$T/inl.data.folded"
a="${MAIN}inl_outer;hot_inline_\[i\][; ]"
b="${MAIN}inl_outer;cold_call[; ]"
need_samples "$f" "$a" 100
split_between "$f" "$a" "$b" 2.0 4.5
# In the sample's own code (main, inl_outer, cold_call) nothing else is
# marked inlined, but for what its DWARF lists as inlined: elapsed(), a
# static function gcc inlines into inl_outer too, and atof() from glibc's
# <stdlib.h> in main.  (Inlined frames under glibc's own functions depend
# on the machine: with libc6-dbg installed --inline rightly shows them.)
inlined_pairs() {
	awk '{ $NF = ""; sub(/ $/, ""); n = split($0, fr, ";")
		for (i = 1; i < n; i++)
			if (fr[i] ~ /^(main|inl_outer|cold_call|(hot_inline|elapsed|atof)_\[i\])$/ &&
			    fr[i + 1] ~ /_\[i\]$/)
				print fr[i] ";" fr[i + 1] }' "$1" | sort -u
}
inlined_pairs "$f" >"$T/pairs"
expect_grep '^inl_outer;hot_inline_\[i\]$' "$T/pairs"
expect_no_grep '^' <(grep -Ev '^(inl_outer;(hot_inline|elapsed)|main;atof)_\[i\]$' "$T/pairs")

record "$T/plain.data" -- "$SAMPLES/inl-nofp" -d 2
fold "$T/plain.data"
f="$T/plain.data.folded"
expect_no_grep 'hot_inline' "$f"
expect_no_grep '_\[i\]' "$f"
need_samples "$f" "${MAIN}inl_outer( |;[^;]*_\[k\])" 100
