#!/usr/bin/env bash
# Runs the XGrammar peer benchmark (shared/peers/xgrammar, XGrammar's official
# WebAssembly build under Node.js) from a private copy in target/peers/xgrammar.
#
#   scripts/xgrammar-peer.sh --tokenizer ../shared/tokenizers/llama3/tokenizer.json \
#       --builtin-json --repeats 3 --json
#
# All arguments go to bench.mjs unchanged (see shared/peers/xgrammar/README.md).
# With --script FILE first, runs node FILE (ours, e.g. scripts/xgrammar-compact-masks.mjs)
# with XG_HARNESS pointing at the installed copy instead.
# The shared folder is ${STENCIL_SHARED:-<repo>/../shared}. On first use the
# harness is copied into <repo>/target/peers/xgrammar (git-ignored) and its
# locked dependencies are installed there with `npm ci` (needs the npm registry
# once). Progress goes to stderr; the harness's stdout is passed through
# untouched (with --json its last line is the JSON summary).
#
# bench.mjs is run from that copy but with the caller's working directory, so
# relative paths in the arguments resolve as typed. In --builtin-json mode
# without --docs, the harness's default docs (Github_easy of the shared corpus)
# are passed explicitly, since its built-in default is relative to bench.mjs.
set -euo pipefail

log() { printf 'xgrammar-peer: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

script_dir=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
repo=$(cd -- "$script_dir/.." && pwd -P)
shared=${STENCIL_SHARED:-$repo/../shared}
[[ -d $shared ]] || die "shared folder not found: $shared (set STENCIL_SHARED)"
shared=$(cd -- "$shared" && pwd -P)
src=$shared/peers/xgrammar
[[ -f $src/bench.mjs && -f $src/package-lock.json ]] || die "no XGrammar harness in $src"

command -v node >/dev/null || die "node not found (Node.js >= 20 needed)"
command -v npm >/dev/null || die "npm not found"
node_major=$(node -p 'process.versions.node.split(".")[0]')
(( node_major >= 20 )) || die "Node.js >= 20 needed, found $(node --version)"

dest=$repo/target/peers/xgrammar

install_deps() { # $1: folder holding package.json + package-lock.json
  log "installing dependencies in $1 (npm ci)"
  if ! (cd -- "$1" && npm ci --no-audit --no-fund) >&2; then
    rm -rf -- "$1/node_modules"
    die "npm ci failed in $1"
  fi
}

if [[ ! -f $dest/bench.mjs ]]; then
  log "copying $src -> $dest"
  mkdir -p -- "$(dirname -- "$dest")"
  rm -rf -- "$dest"
  stage=$(mktemp -d "$dest.tmp.XXXXXX")
  chmod u=rwx,go=rx -- "$stage" # mktemp -d makes it 0700
  trap 'rm -rf -- "$stage"' EXIT
  cp -R -- "$src/." "$stage/"
  rm -rf -- "$stage/node_modules"
  chmod -R u+w -- "$stage" # shared/ is laid out read-only; npm ci must write here
  install_deps "$stage"
  mv -- "$stage" "$dest"
  trap - EXIT
elif [[ ! -d $dest/node_modules ]]; then
  install_deps "$dest"
fi

# The copy is never refreshed automatically; say so when shared/ has changed.
for f in bench.mjs package.json package-lock.json lib; do
  if ! diff -rq -- "$src/$f" "$dest/$f" >/dev/null 2>&1; then
    log "warning: $dest differs from $src ($f); rm -rf $dest to refresh"
    break
  fi
done

# --script FILE: run one of our own scripts against the installed harness instead of bench.mjs
if [[ ${1:-} == --script ]]; then
  script=$2
  shift 2
  log "running node $script $*"
  XG_HARNESS=$dest exec node "$script" "$@"
fi

args=("$@")
builtin=0 docs=0
for a in "$@"; do
  case $a in
    --builtin-json) builtin=1 ;;
    --docs) docs=1 ;;
  esac
done
if (( builtin && !docs )); then
  args+=(--docs "$shared/corpora/jsonschemabench/Github_easy")
fi

log "running node $dest/bench.mjs ${args[*]}"
exec node "$dest/bench.mjs" "${args[@]}"
