#!/usr/bin/env bash
# Litestream 0.5 (LTX replicas), built from source with the Go toolchain from
# the Go module proxy, as Litestream's own Dockerfile builds it (CGO on, the
# version stamped into main.Version). Built once per machine into a cache
# outside the work tree (CI clones afresh), then copied (not linked) to
# .tools/bin/litestream-0.5: isolated drills run it as nobody, who cannot
# reach a cache under a 0700 home directory. Litestream 0.3.13 still comes from npm
# (@flydotio/litestream-linux-x64); core/src/litestream/binary.ts finds both.
set -euo pipefail
cd "$(dirname "$0")/.."
LITESTREAM05_VERSION=v0.5.16
. scripts/go-build.sh
bin="$tools_cache/litestream-$LITESTREAM05_VERSION"
CGO_ENABLED=1 build_once "Litestream $LITESTREAM05_VERSION" "$bin" litestream "a few minutes" \
  -ldflags "-s -w -X main.Version=$LITESTREAM05_VERSION" "github.com/benbjohnson/litestream/cmd/litestream@$LITESTREAM05_VERSION"
mkdir -p .tools/bin
if [ -L .tools/bin/litestream-0.5 ] || ! cmp -s "$bin" .tools/bin/litestream-0.5; then
  rm -f .tools/bin/litestream-0.5
  install -m 0755 "$bin" .tools/bin/litestream-0.5
fi
