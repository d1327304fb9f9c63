# A return address above the stack copy, read after the thread moved on,
# must not name a wrong caller (docs/record.md, "Deep frames").
# samples/c/bigstale alternates every ~0.2 ms between main;via_big;big
# (16 KiB of locals, untouched: the copy's top stays the same after big
# returns) and main;via_deep;deep... whose frames rewrite big's return
# slot with a return into via_deep.  A check of the copy's top alone took
# main;via_deep;big;leaf_a for 15% of all samples (89 of 589, at 199 Hz,
# without any added delay); the return address must now follow a call to
# big, else the stack ends [truncated].  Reads are also made 1 ms late
# (FLAMER_TEST_LATE_US), as a loaded recorder would.
. tests/e2e/e2elib.sh
need_sample bigstale-nofp

# 199 Hz: a recorder 1 ms late per sample keeps up
E2E_FREQ=199 FLAMER_TEST_LATE_US=1000 record "$T/st.data" -- "$SAMPLES/bigstale-nofp" -d 3
fold "$T/st.data"
f="$T/st.data.folded"
leaf=';leaf_a( |;)'
need_samples "$f" "$leaf" 150
# big only under via_big, never under via_deep or deep
expect_no_grep ';(via_deep|deep);big;' "$f"
# every leaf_a sample: its true chain, or a part of it cut at the top
expect_no_grep '^' <(grep -E "$leaf" "$f" |
	grep -Ev "${MAIN}via_big;big;leaf_a( |;)" |
	grep -Ev '^[^;]*;\[truncated\];((main;)?via_big;)?big;leaf_a( |;)')
awk -v re="$leaf" '{ n = $NF; $NF = ""; if ($0 ~ re) { t += n; if ($0 ~ /;main;via_big;/) r += n } }
	END { printf "leaf_a samples %d, rooted %d\n", t, r }' "$f"
# the continuation still works while the thread is in big (a check that
# refuses everything fails here): measured 76-81% of leaf_a's samples
# rooted at first, 35-43% in later runs on the same idle machine (how
# far main has moved on when the recorder reads depends on timing the
# test does not control); the ASan recorder 28% once (fresh-clone run
# 49).  Every other sample is honestly cut.
want=15
sanitized && want=10
chain_share "$f" "$leaf" "${MAIN}via_big;big;leaf_a( |;)" "$want" 150
rooted_or_marked "$f"
exit 0
