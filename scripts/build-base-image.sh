#!/usr/bin/env bash
# A local base image, since no image can be pulled: Debian bookworm (minbase,
# from Debian's packages) plus this machine's Node 20 binary. Skipped when the
# tag exists. Usage: scripts/build-base-image.sh [TAG]
set -euo pipefail
tag=${1:-borela-base:bookworm-node20}
if docker image inspect "$tag" >/dev/null 2>&1; then exit 0; fi
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
echo "debootstrap --variant=minbase bookworm (for $tag)"
debootstrap --variant=minbase bookworm "$work/root" http://deb.debian.org/debian >"$work/debootstrap.log" 2>&1 || { tail -20 "$work/debootstrap.log" >&2; exit 1; }
install -m 0755 "$(command -v node)" "$work/root/usr/local/bin/node"
tar -C "$work/root" -c . | docker import -c 'ENV PATH=/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin' - "$tag" >/dev/null
echo "built $tag"
