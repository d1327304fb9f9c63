# A JIT in a container (its own pid and mount namespaces, its own /tmp)
# writes /tmp/perf-<its own pid>.map in its /tmp.  flamer must read that
# file through /proc/PID/root with the namespace pid, and never a file of
# the host's /tmp that happens to carry the host pid: a decoy there names
# the same addresses host_decoy, which must not appear.
. tests/e2e/e2elib.sh
need_sample jitnear-nofp
[ "$(id -u)" -eq 0 ] || skip "needs root (unshare --pid --mount)"
command -v unshare >/dev/null || skip "no unshare (util-linux)"

# the container gets a /tmp of its own, which hides the host's /tmp: its
# program is copied where it stays visible inside (the tree may be under
# /tmp; what a target cannot see is shown as [module], tested in t_mntns)
bindir=$(mktemp -d /var/tmp/flamer-jit.XXXXXX)
trap 'rm -rf "$bindir"; e2e_cleanup' EXIT
cp "$SAMPLES/jitnear-nofp" "$bindir/"
unshare --pid --fork --mount --propagation private \
	sh -c 'mount -t tmpfs tmpfs /tmp && exec "$0" -d 8' \
	"$bindir/jitnear-nofp" >"$T/ns.out" 2>&1 &
UPID=$!
E2E_PIDS="$E2E_PIDS $UPID"
TPID=
for _ in $(seq 100); do
	TPID=$(pgrep -P "$UPID" | head -n 1)
	[ -n "$TPID" ] && [ -s "/proc/$TPID/root/tmp/perf-1.map" ] && break
	sleep 0.1
done
[ -n "$TPID" ] && [ -s "/proc/$TPID/root/tmp/perf-1.map" ] ||
	skip "no namespaced target with a perf map (unshare refused?): $(cat "$T/ns.out")"
E2E_PIDS="$E2E_PIDS $TPID"
trap 'rm -f "/tmp/perf-$TPID.map"; rm -rf "$bindir"; e2e_cleanup' EXIT
sed 's/jit_hot_loop/host_decoy/' "/proc/$TPID/root/tmp/perf-1.map" >"/tmp/perf-$TPID.map"

record "$T/pid.data" -p "$TPID" -d 2
fold "$T/pid.data"
f=$T/pid.data.folded
expect_no_grep 'host_decoy' "$f"
need_samples "$f" ';jit_hot_loop_\[j\]( |;[^;]*_\[k\])' 300
chain_share "$f" ';run_jit;' "${MAIN}run_jit;jit_hot_loop_\[j\]( |;[^;]*_\[k\])" 95 300
