# callers_check.awk - reads `flamer collapse` lines of
# samples/python/callers.py and counts the samples inside each function's C
# work (zlib, sorted, the C JSON encoder: native frames leafward of the
# innermost f_* Python frame) whose innermost f_* frame is the right caller
# and those where it is another one.  Prints "right WRONG none dl_py":
#   none:  C-work samples with no f_* caller at all
#   dl_py: samples in the dynamic loader (_dl_start) with Python frames
function kind(f) {
	if (f ~ /^(zlib_|deflate|longest_match|fill_window|compress_block|\[libz)/) return "f_zlib"
	if (f ~ /^(builtin_sorted|list_sort|unsafe_long_compare|unsafe_object_compare|binarysort|count_run|merge_at|merge_lo|merge_hi|gallop_)/) return "f_sort"
	if (f ~ /^(encoder_|py_encode_basestring|_json_|c_make_encoder|escape_unicode|ascii_escape|\[_json\.)/) return "f_json"
	return ""
}
{
	n = $NF; line = $0; sub(/ [0-9]+$/, "", line)
	k = split(line, f, ";")
	caller = ""; work = ""; py = 0; dl = 0
	for (i = 1; i <= k; i++) {
		if (f[i] ~ /^_dl_start/) dl = 1
		if (f[i] ~ / \([^;]*\.py(:[0-9]+)?\)$/) {
			py = 1
			if (f[i] ~ /^f_(zlib|sort|json) /) { caller = f[i]; sub(/ .*/, "", caller); work = "" }
			continue
		}
		if (work == "") work = kind(f[i])
	}
	if (dl && py) dl_py += n
	if (work == "") next
	if (caller == "") none += n
	else if (caller == work) right += n
	else { wrong += n; if (show) print "wrong: " $0 > "/dev/stderr" }
}
END { printf "%d %d %d %d\n", right, wrong, none, dl_py }
