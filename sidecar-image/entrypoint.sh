#!/bin/sh
# `agent` (the default) runs the bundled agent; anything else is a borela command (serve, drill, restore...).
# Started as root (no `user:` in the snippet), it drops to the uid:gid that owns the data with setpriv
# (util-linux), so Litestream can write the database, its -wal and the `<db>-litestream` directory:
#   agent: the owner of the first database in BORELA_DATABASES, or of its directory while the file
#          does not exist yet (waited for up to BORELA_WAIT_FOR_DATABASE_SECONDS, default 30);
#   other commands: the owner of BORELA_DATA_DIR.
# Root stays root when root owns the data. Started as another user (`user:`, --user), nothing changes.
# Before dropping, a missing `file://` replica directory (BORELA_REPLICA_URL) is created for that user:
# a fresh replica volume belongs to root.
set -e
if [ "${1:-agent}" = "agent" ]; then
  [ $# -gt 0 ] && shift
  set -- node /app/agent.mjs "$@"
  db=$(printf '%s' "${BORELA_DATABASES:-}" | cut -d, -f1 | tr -d ' ')
  target=""
  if [ -n "$db" ] && [ "$(id -u)" = 0 ]; then
    limit=${BORELA_WAIT_FOR_DATABASE_SECONDS:-30}
    i=0
    while [ ! -e "$db" ] && [ "$i" -lt "$limit" ]; do sleep 1; i=$((i + 1)); done
    if [ -e "$db" ]; then target=$db; else target=$(dirname "$db"); fi
  fi
else
  if [ ! -f /app/core/bin/borela.js ]; then
    echo "borela: this is the agent-only image (borela/borela:agent): it runs the agent alone, not \`$1\`; use borela/borela:latest" >&2
    exit 2
  fi
  # serve's heap flags (core/bin/serve-heap.js SERVE_V8_FLAGS; a test keeps the two the same): given here,
  # serve does not re-execute itself and parse the bundle twice.
  if [ "$1" = "serve" ]; then
    set -- node --min-semi-space-size=8 --max-semi-space-size=8 /app/core/bin/borela.js "$@"
  else
    set -- node /app/core/bin/borela.js "$@"
  fi
  target=${BORELA_DATA_DIR:-/data}
fi
if [ "$(id -u)" = 0 ] && [ -n "$target" ] && owner=$(stat -c %u:%g "$target" 2>/dev/null) && [ "$owner" != "0:0" ]; then
  case "${BORELA_REPLICA_URL:-}" in
    file:///*)
      replica=${BORELA_REPLICA_URL#file://}
      if [ ! -e "$replica" ]; then mkdir -p "$replica" && chown "$owner" "$replica"; fi
      ;;
  esac
  exec setpriv --reuid="${owner%:*}" --regid="${owner#*:}" --clear-groups -- "$@"
fi
exec "$@"
