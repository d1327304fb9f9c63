#!/bin/sh
# install-deps.sh build|test - install the Debian packages flamer needs.
# "build": what `make` and `make demo` need.  "test": also what the tests
# need.  Only missing packages are installed; needs root (or sudo) then.
set -eu
BUILD_PKGS="gcc make pkg-config libdw-dev libelf-dev libunwind-dev libzstd-dev zlib1g-dev protobuf-c-compiler libprotobuf-c-dev libbpf-dev bpftool clang"
TEST_PKGS="libxml2-utils python3 erlang-base elixir python3.11 python3.11-dbg
 protobuf-compiler chromium clang libclang-rt-14-dev linux-perf golang-go
 bzip2 gzip sqlite3 time"
want=$BUILD_PKGS
[ "${1:-build}" = test ] && want="$BUILD_PKGS $TEST_PKGS"
# Node.js may come from another packaging (with npm bundled): only ask
# Debian for it when there is no node at all.
if [ "${1:-build}" = test ] && ! command -v node >/dev/null; then
	want="$want nodejs npm"
fi
missing=
for p in $want; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'ok installed' ||
		missing="$missing $p"
done
SUDO=
[ "$(id -u)" -eq 0 ] || SUDO=sudo
if [ -n "$missing" ]; then
	echo "flamer: installing:$missing" >&2
	export DEBIAN_FRONTEND=noninteractive
	$SUDO apt-get update -qq
	# shellcheck disable=SC2086
	$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
# The real speedscope viewer for tests/browser/t_speedscope.sh, outside the
# repository (FLAMER_NPM_DIR); a failed download only makes that test skip.
if [ "${1:-build}" = test ]; then
	npm_dir=${FLAMER_NPM_DIR:-/var/cache/flamer/npm}
	if [ ! -f "$npm_dir/node_modules/speedscope/dist/release/index.html" ]; then
		echo "flamer: installing speedscope@1.25.0 (npm) in $npm_dir" >&2
		$SUDO mkdir -p "$npm_dir" &&
			$SUDO npm install --no-audit --no-fund --prefix "$npm_dir" \
				speedscope@1.25.0 >/dev/null ||
			echo "flamer: npm install speedscope failed; its test will skip" >&2
	fi
fi
