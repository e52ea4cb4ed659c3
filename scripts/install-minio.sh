#!/usr/bin/env bash
# MinIO, a real S3 server that enforces policies and serves STS AssumeRole, for
# the storage scoping tests (core/test/storage/minio.ts). Built from source with
# the Go toolchain from the Go module proxy (MinIO has no semver tags: the
# version is a pinned pseudo-version). Built once per machine into a cache
# outside the work tree (CI clones afresh), then linked as .tools/bin/minio.
set -euo pipefail
cd "$(dirname "$0")/.."
MINIO_VERSION=v0.0.0-20260212201848-7aac2a2c5b7c
cache="${BORELA_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/borela-tools}"
bin="$cache/minio-$MINIO_VERSION"
if [ ! -x "$bin" ]; then
  command -v go >/dev/null || { echo "install-minio: the Go toolchain is needed to build MinIO (go not found)" >&2; exit 1; }
  echo "building MinIO $MINIO_VERSION with $(go version | cut -d' ' -f3) (once per machine, several minutes)"
  build="$cache/build-$$"
  mkdir -p "$build"
  started=$(date +%s)
  GOTOOLCHAIN=local GOBIN="$build" go install "github.com/minio/minio@$MINIO_VERSION"
  mv "$build/minio" "$bin"
  rmdir "$build"
  echo "built MinIO in $(( $(date +%s) - started )) s ($(du -h "$bin" | cut -f1))"
fi
mkdir -p .tools/bin
ln -sfn "$bin" .tools/bin/minio
