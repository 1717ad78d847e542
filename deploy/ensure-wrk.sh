#!/usr/bin/env bash
# bench/submit_wrk_bench.py drives HTTP load with wrk (Debian's `wrk` package, a compiled load
# generator with Lua scripting), so the client never costs the server its CPU. Install it when
# it is missing and we may (root).
set -euo pipefail
WRK=${NIC_BENCH_WRK_BIN:-$(command -v wrk || echo /usr/bin/wrk)}
if [ -x "$WRK" ]; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "Installing wrk (Debian package wrk) for the benchmarks..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
  exit 0
fi
echo "wrk is not installed: run 'sudo apt-get install wrk', or point NIC_BENCH_WRK_BIN at" >&2
echo "a wrk binary." >&2
exit 1
