#!/usr/bin/env bash
# Runs the end-to-end peer benchmark (shared/peers/e2e: XGrammar's WebAssembly build for the
# masks + ONNX Runtime for Node for the model) from a private copy in target/peers/e2e.
#
#   scripts/e2e-peer.sh --model ../shared/models/tiny-json-gpt2/model.onnx \
#       --tokenizer ../shared/models/tiny-json-gpt2/tokenizer.json \
#       --schema-dir ../shared/corpora/jsonschemabench/Glaiveai2K --limit 50 --max-tokens 128 --threads 1 --json
#
# All arguments go to e2e.mjs unchanged (see shared/peers/e2e/README.md); relative paths resolve
# from the caller's working directory. e2e.mjs imports ../xgrammar/lib, so the XGrammar harness is
# copied beside it (target/peers/xgrammar, shared with scripts/xgrammar-peer.sh). On first use the
# locked dependencies are installed with `npm ci` (needs the npm registry once), with
# ONNXRUNTIME_NODE_INSTALL=skip: onnxruntime-node's postinstall would try to download the CUDA
# provider, which the CPU build does not need. The shared folder is ${STENCIL_SHARED:-<repo>/../shared}.
# Progress goes to stderr; with --json the last stdout line is the harness's JSON summary.
set -euo pipefail

log() { printf 'e2e-peer: %s\n' "$*" >&2; }
die() { log "error: $*"; exit 1; }

script_dir=$(cd -- "$(dirname -- "${BASH_SOURCE[0]}")" && pwd -P)
repo=$(cd -- "$script_dir/.." && pwd -P)
shared=${STENCIL_SHARED:-$repo/../shared}
[[ -d $shared ]] || die "shared folder not found: $shared (set STENCIL_SHARED)"
shared=$(cd -- "$shared" && pwd -P)

command -v node >/dev/null || die "node not found (Node.js >= 20 needed)"
command -v npm >/dev/null || die "npm not found"
node_major=$(node -p 'process.versions.node.split(".")[0]')
(( node_major >= 20 )) || die "Node.js >= 20 needed, found $(node --version)"

# copy_harness NAME MARKER: shared/peers/NAME -> target/peers/NAME (without node_modules), once
copy_harness() {
  local src=$shared/peers/$1 dest=$repo/target/peers/$1
  [[ -f $src/$2 ]] || die "no $1 harness in $src"
  if [[ ! -f $dest/$2 ]]; then
    log "copying $src -> $dest"
    mkdir -p -- "$(dirname -- "$dest")"
    rm -rf -- "$dest"
    local stage
    stage=$(mktemp -d "$dest.tmp.XXXXXX")
    chmod u=rwx,go=rx -- "$stage"
    cp -R -- "$src/." "$stage/"
    rm -rf -- "$stage/node_modules"
    chmod -R u+w -- "$stage" # shared/ is laid out read-only
    mv -- "$stage" "$dest"
  fi
  for f in "$2" package.json package-lock.json lib; do
    if [[ -e $src/$f ]] && ! diff -rq -- "$src/$f" "$dest/$f" >/dev/null 2>&1; then
      log "warning: $dest differs from $src ($f); rm -rf $dest to refresh"
      break
    fi
  done
}

copy_harness xgrammar bench.mjs
copy_harness e2e e2e.mjs
dest=$repo/target/peers/e2e
if [[ ! -d $dest/node_modules ]]; then
  log "installing dependencies in $dest (npm ci)"
  if ! (cd -- "$dest" && ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund) >&2; then
    rm -rf -- "$dest/node_modules"
    die "npm ci failed in $dest"
  fi
fi

log "running node $dest/e2e.mjs $*"
exec node "$dest/e2e.mjs" "$@"
