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
# no other frame is marked inlined, but for elapsed(), a static function
# of inl.c that gcc inlines into inl_outer too
expect_no_grep '_\[i\]' <(grep -v 'inl_outer;hot_inline_\[i\]' "$f" | grep -v 'inl_outer;elapsed_\[i\]')

record "$T/plain.data" -- "$SAMPLES/inl-nofp" -d 2
fold "$T/plain.data"
f="$T/plain.data.folded"
expect_no_grep 'hot_inline' "$f"
expect_no_grep '_\[i\]' "$f"
need_samples "$f" "${MAIN}inl_outer( |;[^;]*_\[k\])" 100
