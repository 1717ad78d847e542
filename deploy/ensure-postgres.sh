#!/usr/bin/env bash
# The suite runs every database test on SQLite and on PostgreSQL 15, which it starts itself
# from Debian's `postgresql` package. Install it when it is missing and we may (root).
set -euo pipefail
PG_BIN=${NIC_PG_BIN:-/usr/lib/postgresql/15/bin}
if [ -x "$PG_BIN/initdb" ] && [ -x "$PG_BIN/pg_ctl" ] && id postgres >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "Installing PostgreSQL (Debian package postgresql) for the test suite..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
  exit 0
fi
echo "PostgreSQL 15 is not installed: run 'sudo apt-get install postgresql', or run the" >&2
echo "suite on SQLite only with NIC_TEST_DBS=sqlite make test." >&2
exit 1
