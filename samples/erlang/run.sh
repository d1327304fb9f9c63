#!/bin/sh
# run.sh - compile and start a BEAM sample workload.
#
#   samples/erlang/run.sh [--no-perf-map] WORKDIR WORKLOAD SECONDS PIDFILE
#
# WORKLOAD: myapp | fibm | sleeper (Erlang, compiled with erlc into WORKDIR) or
# elixir (samples/elixir/worker.exs).  With the JIT's perf map (default:
# +JPperf map, which also keeps frame pointers in JIT code) or without it.
# Runs in the foreground; the VM's OS pid is written to PIDFILE as soon as
# the workload starts, and the VM exits after SECONDS.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
jp="+JPperf map"
if [ "${1:-}" = "--no-perf-map" ]; then
	jp=""
	shift
fi
[ $# -eq 4 ] || { echo "usage: $0 [--no-perf-map] WORKDIR WORKLOAD SECONDS PIDFILE" >&2; exit 2; }
dir=$1 workload=$2 secs=$3 pidfile=$4
mkdir -p "$dir"
case $workload in
myapp|fibm|sleeper|bifrot|procs|dirty)
	erlc -o "$dir" "$here/myapp.erl" "$here/fibm.erl" "$here/sleeper.erl" \
		"$here/bifrot.erl" "$here/procs.erl" "$here/dirty.erl"
	# shellcheck disable=SC2086
	exec erl -noshell -noinput $jp -pa "$dir" -run "$workload" main "$secs" "$pidfile"
	;;
elixir)
	ELIXIR_ERL_OPTIONS="$jp" exec elixir "$here/../elixir/worker.exs" "$secs" "$pidfile"
	;;
*)
	echo "$0: unknown workload $workload" >&2
	exit 2
	;;
esac
