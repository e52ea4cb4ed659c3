#!/usr/bin/env bash
# A Docker engine for the tests: Debian's docker.io, started without bridges
# or iptables (every container uses host networking; no Docker network is
# ever created). Idempotent; a clear error when the engine cannot start.
set -euo pipefail
if ! command -v dockerd >/dev/null; then
  echo "installing Debian's docker.io and debootstrap"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends docker.io debootstrap docker-compose >/dev/null
fi
for tool in debootstrap docker-compose; do
  command -v "$tool" >/dev/null || { export DEBIAN_FRONTEND=noninteractive; apt-get install -y -qq --no-install-recommends "$tool" >/dev/null; }
done
if docker info >/dev/null 2>&1; then exit 0; fi
# A dockerd that ended leaves its pid files; once another process has that pid, a new dockerd takes it for
# its containerd and waits for a socket that never comes. Keep only files naming a live dockerd or containerd.
for pidfile in /var/run/docker.pid /var/run/docker/containerd/containerd.pid; do
  [ -f "$pidfile" ] || continue
  comm=$(cat "/proc/$(cat "$pidfile" 2>/dev/null)/comm" 2>/dev/null || true)
  case "$comm" in dockerd | containerd) ;; *) rm -f "$pidfile" ;; esac
done
log=/var/log/borela-dockerd.log
echo "starting dockerd (log: $log)"
nohup dockerd --bridge=none --iptables=false --ip-masq=false >"$log" 2>&1 &
echo $! > /var/run/borela-dockerd.pid
for _ in $(seq 1 60); do
  if docker info >/dev/null 2>&1; then exit 0; fi
  sleep 1
done
echo "dockerd did not answer within 60s; last lines of $log:" >&2
tail -20 "$log" >&2
exit 1
