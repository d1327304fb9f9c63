# t_replay.sh - replays every fuzz corpus file (tests/fuzz/corpus/NAME/*)
# through its fuzz target, linked with a plain main() (replay_main.c) and
# the module objects of the build under test ($BUILD).  Under the ASan
# build (objects built with -fsanitize) the replayers get the sanitizers
# too, so a crash or a sanitizer report on any corpus file fails the test.
cc=${CC:-cc}
flags="-O1 -g -std=gnu11 -D_GNU_SOURCE -Wall -Wno-unused-parameter"
libs="$(pkg-config --libs libzstd zlib libprotobuf-c 2>/dev/null || echo -lzstd -lz -lprotobuf-c) -lm -lpthread"
if nm "$BUILD/common/error.o" 2>/dev/null | grep -q __asan; then
	flags="$flags -fsanitize=address,undefined -fno-sanitize-recover=all"
	sanitized=1
fi
objs=$(ls "$BUILD"/common/*.o "$BUILD"/recording/*.o "$BUILD"/collapse/*.o \
	"$BUILD"/gen/pprof/*.o "$BUILD"/render/*.o "$BUILD"/profiler/decode.o \
	"$BUILD"/unwind/perfmap.o "$BUILD"/unwind/kallsyms.o 2>/dev/null)
[ -n "$objs" ] || skip "no module objects in $BUILD (run make first)"
ar rcs "$T/libparsers.a" $objs || fail "ar"
ran=0
for src in tests/fuzz/fuzz_*.c; do
	name=$(basename "$src" .c); name=${name#fuzz_}
	bin="$T/replay_$name"
	$cc $flags -o "$bin" "$src" tests/fuzz/replay_main.c "$T/libparsers.a" $libs \
		2>"$T/cc.log" || fail "cannot build $name: $(head -c 800 "$T/cc.log")"
	files=$(ls tests/fuzz/corpus/"$name"/* 2>/dev/null)
	[ -n "$files" ] || fail "empty corpus tests/fuzz/corpus/$name"
	# one process per file so a report names the file
	for f in $files; do
		ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1}:allocator_may_return_null=1 \
		timeout 60 "$bin" "$f" >"$T/out" 2>&1 ||
			fail "fuzz_$name crashed on $f: $(head -c 1500 "$T/out")"
		ran=$((ran + 1))
	done
	echo "fuzz_$name: $(echo "$files" | wc -l) files ok"
done
echo "replayed $ran corpus files${sanitized:+ under ASan+UBSan}"
