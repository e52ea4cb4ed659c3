#!/usr/bin/env bash
# A local base image, since no image can be pulled: the few files of Debian bookworm that the image
# runs (glibc and libstdc++ for node, dash and coreutils for the entrypoint, setpriv, the CA bundle for
# Litestream's TLS, /etc/passwd and group) plus a node binary in /usr/local/bin. No apt, dpkg, perl,
# docs or locales: a shell is there, a package manager is not.
#   borela-base:slim-node24 (the default), any tag ending in -node24: Node 24 LTS from the npm package
#     node@24 (scripts/install-node24.sh)
#   any other tag: this machine's node
#   NODE_BIN=/path/to/node overrides either
# The debootstrap root (minbase + ca-certificates) is cached per machine, outside the work tree.
# Skipped when the tag exists. Usage: scripts/build-base-image.sh [TAG]
set -euo pipefail
cd "$(dirname "$0")/.."
tag=${1:-borela-base:slim-node24}
if docker image inspect "$tag" >/dev/null 2>&1; then exit 0; fi
if [ -n "${NODE_BIN:-}" ]; then node_bin=$NODE_BIN
elif [[ $tag == *-node24 ]]; then node_bin="$(bash scripts/install-node24.sh)/bin/node"
else node_bin=$(command -v node); fi
cache="${BORELA_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/borela-tools}"
rootfs="$cache/bookworm-minbase-ca.tar"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$cache" "$work/full" "$work/root"
if [ ! -f "$rootfs" ]; then
  echo "debootstrap --variant=minbase bookworm (once per machine, for $tag)"
  debootstrap --variant=minbase --include=ca-certificates bookworm "$work/full" http://deb.debian.org/debian >"$work/debootstrap.log" 2>&1 || { tail -20 "$work/debootstrap.log" >&2; exit 1; }
  tar -C "$work/full" -cf "$rootfs.$$" . && mv "$rootfs.$$" "$rootfs"
else
  tar -C "$work/full" -xf "$rootfs"
fi
full=$work/full
root=$work/root
# The files of these packages, without docs, locales and glibc's iconv modules (node carries ICU),
# and of coreutils the tools a shell in the container commonly needs (the entrypoint uses cut, tr,
# dirname, id, sleep, stat, mkdir and chown).
coreutils_kept=" basename cat chgrp chmod chown cp cut date dd df dirname du echo env false head id ln ls mkdir mktemp mv nproc printf pwd readlink realpath rm rmdir sleep sort stat tail tee test [ touch tr true uname wc whoami "
packages="libc6 libgcc-s1 libstdc++6 dash coreutils libacl1 libattr1 libselinux1 libpcre2-8-0 libcap-ng0"
for p in $packages; do
  if [ "$p" = coreutils ]; then
    chroot "$full" dpkg -L coreutils | while read -r f; do
      case "$f" in /usr/bin/*|/bin/*) [[ $coreutils_kept == *" ${f##*/} "* ]] && echo "$f" ;; *) echo "$f" ;; esac
    done
  else chroot "$full" dpkg -L "$p"; fi
done \
  | grep -Ev '^/usr/share/(doc|man|info|locale|lintian)/|/gconv/|/libmvec\.' \
  | sed -E 's#^/(bin|lib|lib64|sbin)/#/usr/\1/#' | sort -u | while read -r f; do
      if [ -L "$full$f" ] || [ -f "$full$f" ]; then echo ".$f"; fi
    done >"$work/files"
echo ./usr/bin/setpriv >>"$work/files" # util-linux's, alone
(cd "$full" && tar -cf - --no-recursion -T "$work/files") | tar -C "$root" -xf -
# Merged /usr: /bin, /lib, /lib64 and /sbin are links, as in Debian.
for l in bin lib lib64 sbin; do rm -f "$root/$l"; cp -a "$full/$l" "$root/$l"; done
mkdir -p "$root/etc/ssl/certs" "$root/usr/local/bin" "$root/tmp" "$root/root" "$root/proc" "$root/sys" "$root/dev" "$root/run" "$root/var/tmp"
chmod 1777 "$root/tmp" "$root/var/tmp"
chmod 0700 "$root/root"
cp "$full/etc/ssl/certs/ca-certificates.crt" "$root/etc/ssl/certs/"
for f in passwd group shadow nsswitch.conf os-release debian_version; do cp -aL "$full/etc/$f" "$root/etc/$f" 2>/dev/null || true; done
cp -aL "$full/usr/lib/os-release" "$root/usr/lib/os-release"
ln -sf dash "$root/usr/bin/sh"
install -m 0755 "$node_bin" "$root/usr/local/bin/node"
# The official Node 24 binary carries its symbol table (126 MB; 108 MB without, as Node 20's builds ship).
if command -v strip >/dev/null; then strip "$root/usr/local/bin/node"; fi
# Every program in that root must find its libraries, and what the entrypoint runs must start.
for b in "$root"/usr/bin/* "$root"/usr/local/bin/node; do
  if chroot "$root" "${b#"$root"}" --version 2>&1 </dev/null | grep -q "error while loading shared libraries"; then
    echo "build-base-image: ${b#"$root"} misses a library in the slim root" >&2; exit 1
  fi
done
chroot "$root" /bin/sh -c 'node --version >/dev/null && setpriv --help >/dev/null && stat -c %u / >/dev/null && id -u >/dev/null && cut --version >/dev/null' \
  || { echo "build-base-image: the slim root misses a file the image needs" >&2; exit 1; }
tar -C "$root" -c . | docker import -c 'ENV PATH=/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin' -c 'ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt' - "$tag" >/dev/null
echo "built $tag ($("$node_bin" --version), $(docker image inspect --format '{{.Size}}' "$tag" | awk '{printf "%d MB", $1 / 1e6}'))"
