#!/usr/bin/env bash
# npm ci when node_modules is missing or older than the lockfile.
set -euo pipefail
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "installing npm packages (npm ci)"
  npm ci --no-audit --no-fund
fi
