# Sourced by the install-*.sh scripts that build a Go program from the Go module proxy: built once per machine
# into a cache outside the work tree (CI clones afresh), with the machine's own toolchain (GOTOOLCHAIN=local).
tools_cache="${BORELA_TOOLS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/borela-tools}"

# build_once <what> <cached binary> <name go install writes> <how long it takes> <go install arguments…>
# Does nothing when the cached binary is there; exits 1 naming the script when go is missing.
build_once() {
  local what=$1 bin=$2 name=$3 takes=$4 build started
  shift 4
  [ -x "$bin" ] && return 0
  command -v go >/dev/null || { echo "$(basename "$0" .sh): the Go toolchain is needed to build $what (go not found)" >&2; exit 1; }
  echo "building $what with $(go version | cut -d' ' -f3) (once per machine, $takes)"
  build="$tools_cache/build-$name-$$"
  mkdir -p "$build"
  started=$(date +%s)
  GOTOOLCHAIN=local GOBIN="$build" go install "$@"
  mv "$build/$name" "$bin"
  rmdir "$build"
  echo "built $what in $(( $(date +%s) - started )) s ($(du -h "$bin" | cut -f1))"
}
