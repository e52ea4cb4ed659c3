#!/bin/sh
# `agent` (the default) runs the bundled agent; anything else is a borela command (serve, drill, restore...).
set -e
if [ "${1:-agent}" = "agent" ]; then
  [ $# -gt 0 ] && shift
  exec node /app/agent.mjs "$@"
fi
exec node /app/core/bin/borela.js "$@"
