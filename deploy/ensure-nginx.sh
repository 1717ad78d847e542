#!/usr/bin/env bash
# tests/platform/test_proxy.py runs the real proxy configuration (deploy/nginx/nginx.conf) with
# Debian's `nginx` package, as an ordinary process in a temporary folder: the package's own
# server is not needed. Install it when it is missing and we may (root).
set -euo pipefail
NGINX=${NIC_TEST_NGINX_BIN:-$(command -v nginx || echo /usr/sbin/nginx)}
if [ -x "$NGINX" ]; then
  exit 0
fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
  echo "Installing nginx (Debian package nginx) for the proxy test..."
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx >/dev/null
  exit 0
fi
echo "nginx is not installed: run 'sudo apt-get install nginx' (the proxy test is skipped" >&2
echo "without it), or point NIC_TEST_NGINX_BIN at an nginx binary." >&2
exit 1
