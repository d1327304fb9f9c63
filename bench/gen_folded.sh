#!/bin/sh
# gen_folded.sh [STACKS] - the large collapsed profile of bench/render.sh
# (and tests/render/t_svg_size.sh) on stdout: a program-like call tree of
# 3,000 function names, stacks 8-40 deep that share prefixes, Zipf-ish
# counts.  Deterministic (fixed seed).  Default 60000 unique stacks.
awk -v n="${1:-60000}" 'BEGIN {
	srand(42)
	for (i = 0; i < 3000; i++) name[i] = sprintf("mod%d::function_%d", i % 37, i)
	made = 0
	while (made < n) {
		d = 8 + int(rand() * 33); s = "app;main"
		for (j = 0; j < d; j++) {
			k = (j < 6) ? int(rand() * (4 + j * 3)) : int(rand() * 3000)
			s = s ";" name[k]
		}
		if (rand() < 0.2) s = s ";sys_read_[k];vfs_read_[k]"
		if (!(s in seen)) { seen[s] = 1; made++; print s " " (1 + int(1000 / (1 + made % 500))) }
	}
}'
