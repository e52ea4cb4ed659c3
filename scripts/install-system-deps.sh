#!/usr/bin/env bash
# Debian packages the suites use: installed only when missing.
set -euo pipefail
need=()
command -v sqlite3 >/dev/null || need+=(sqlite3)
command -v redis-server >/dev/null || need+=(redis-server)
command -v chromium >/dev/null || need+=(chromium)
command -v ruby >/dev/null || need+=(ruby)
# PostgreSQL server binaries (/usr/lib/postgresql/<major>/bin): the PostgreSQL store tests start a private cluster.
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || need+=(postgresql)
if [ ${#need[@]} -gt 0 ]; then
  echo "installing Debian packages: ${need[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi
# Redis is started per suite on a private port; make sure no packaged instance holds the default one.
if command -v systemctl >/dev/null && systemctl is-active --quiet redis-server 2>/dev/null; then systemctl stop redis-server || true; fi
# Likewise PostgreSQL: each test starts its own cluster on a free loopback port; the packaged one is not used.
if command -v systemctl >/dev/null && systemctl is-active --quiet postgresql 2>/dev/null; then systemctl stop postgresql || true; fi
if [ -f scripts/ensure-docker.sh ]; then bash scripts/ensure-docker.sh; fi
# MinIO (S3 that enforces policies, for the storage scoping tests): built once per machine with Go.
bash scripts/install-minio.sh
# Litestream 0.5 (LTX replicas) beside the npm 0.3.13: built once per machine with Go.
bash scripts/install-litestream05.sh
