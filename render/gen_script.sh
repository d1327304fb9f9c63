#!/bin/sh
# gen_script.sh - turns render/script.js into render/script.c (a C string).
# Run after editing script.js; tests/render/t_script_sync.sh checks that the
# two agree.  Usage: render/gen_script.sh > render/script.c
set -e
js=$(dirname "$0")/script.js
if grep -q ']]>' "$js"; then echo "script.js must not contain ]]>" >&2; exit 1; fi
echo '/* Generated from render/script.js by render/gen_script.sh; do not edit. */'
echo '#include "svg.h"'
echo
echo 'const char svg_script[] ='
sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/\t"/' -e 's/$/\\n"/' "$js"
printf '\t;\n'
