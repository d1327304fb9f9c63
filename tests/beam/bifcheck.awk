# bifcheck.awk - reads `flamer collapse` lines of samples/erlang/bifrot.erl
# and counts the samples inside each BIF (a frame is the BIF's C
# function) and their Erlang caller (the innermost Erlang frame above it),
# which is known by construction (f_t2b/1 is the only caller of
# term_to_binary/1, ...).  Prints "all with wrong trunc unconfirmed":
#   with:        BIF samples with an Erlang caller
#   wrong:       of those, under another bifrot function than the BIF's
#                own (a caller in another module is not counted wrong)
#   trunc:       BIF samples with [truncated]
#   unconfirmed: BIF samples with [erlang?] (a late read left out)
# The first wrong and truncated lines go to stderr.
BEGIN {
	split("term_to_binary_1 f_t2b binary_to_term_1 f_b2t MD5Update f_md5 " \
	      "crc32_1 f_crc adler32_1 f_adler phash2_1 f_phash " \
	      "erts_list_to_binary_bif f_l2b binary_to_list_1 f_b2l " \
	      "lists_reverse_2 f_rev ets_insert_2 f_ets", a, " ")
	for (i = 1; i in a; i += 2) bif[a[i]] = "bifrot:" a[i + 1] "/1"
}
{
	n = $NF; sub(/ [0-9]+$/, "")
	k = split($0, f, ";")
	at = 0
	for (i = 1; i <= k; i++) if (f[i] in bif) { at = i; break }
	if (!at) next
	all += n
	if ($0 ~ /\[erlang\?\]/) unconf += n
	if ($0 ~ /\[truncated\]/) {
		trunc += n
		if (tshown++ < 5) print "truncated: " n " " substr($0, 1, 400) > "/dev/stderr"
	}
	caller = ""
	for (i = at - 1; i >= 1; i--)
		if (f[i] ~ /^[a-z_0-9]+:[A-Za-z_0-9]+\/[0-9]+$/) { caller = f[i]; break }
	if (caller == "") next
	with += n
	# a caller in another module uses the same C function for its own
	# reasons (the code loader's MD5Update while a launched node boots):
	# not one of the rotation, so not a wrong caller of it
	if (caller !~ /^bifrot:/) next
	if (caller != bif[f[at]]) {
		wrong += n
		if (shown++ < 5) print "wrong: " n " " substr($0, 1, 400) > "/dev/stderr"
	}
}
END { printf "%d %d %d %d %d\n", all, with, wrong, trunc, unconf }
