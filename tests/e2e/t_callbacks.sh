# Unwinding through libc into a callback (pthread_once) and through a
# library loaded with dlopen after the recorder attached: both chains are
# complete and their names resolve (samples/c/callbacks.c).
. tests/e2e/e2elib.sh
need_sample callbacks-nofp
[ -f "$SAMPLES/libdlburn.so" ] || fail "$SAMPLES/libdlburn.so not built (run 'make samples')"

check() {
	local f=$1
	chain_share "$f" ';once_leaf[; ]' "${MAIN}run_once;[^;]*pthread_once[^;]*;([^;]*;)*once_init;once_leaf[; ]" 95 50
	chain_share "$f" ';dl_leaf[; ]' "${MAIN}run_plugin;dl_outer;dl_leaf[; ]" 95 50
}

# attached: the library is opened 1 s after the start
start_target callbacks-nofp -d 4 -w 1000 -o 1
grep -q libdlburn "/proc/$TPID/maps" && fail "libdlburn.so was loaded before the recorder attached"
record "$T/pid.data" -p "$TPID" -d 3.5
fold "$T/pid.data"
check "$T/pid.data.folded"

# launched, dwarf mode
record "$T/dwarf.data" --unwind dwarf -- "$SAMPLES/callbacks-nofp" -d 2.5 -w 500 -o 1
fold "$T/dwarf.data"
check "$T/dwarf.data.folded"
