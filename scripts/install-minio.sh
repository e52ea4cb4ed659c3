#!/usr/bin/env bash
# MinIO, a real S3 server that enforces policies and serves STS AssumeRole, for
# the storage scoping tests (core/test/storage/minio.ts). Built from source with
# the Go toolchain from the Go module proxy (MinIO has no semver tags: the
# version is a pinned pseudo-version). Built once per machine into a cache
# outside the work tree (CI clones afresh), then linked as .tools/bin/minio.
set -euo pipefail
cd "$(dirname "$0")/.."
MINIO_VERSION=v0.0.0-20260212201848-7aac2a2c5b7c
. scripts/go-build.sh
bin="$tools_cache/minio-$MINIO_VERSION"
build_once "MinIO $MINIO_VERSION" "$bin" minio "several minutes" "github.com/minio/minio@$MINIO_VERSION"
mkdir -p .tools/bin
ln -sfn "$bin" .tools/bin/minio
