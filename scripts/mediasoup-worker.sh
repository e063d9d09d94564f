#!/usr/bin/env bash
# Gets a working mediasoup-worker at the path the mediasoup library uses by default.
# In order: the binary already there (a normal install with internet downloads a
# prebuilt one) -> the cache -> mediasoup's prebuilt download -> an offline build
# from the npm package's own sources against Debian's libraries.
# Idempotent; run it after every `npm ci` (reinstalling mediasoup wipes worker/out).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
MS_DIR=$ROOT/node_modules/mediasoup
BIN=$MS_DIR/worker/out/Release/mediasoup-worker
VERSION=$(node -p "require('$MS_DIR/package.json').version")
PATCH_HASH=$(cat scripts/mediasoup-offline/patch.py scripts/mediasoup-offline/build.sh | sha256sum | cut -c1-16)
CACHE_DIR=${DIEMCAU_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/diemcau}
CACHED=$CACHE_DIR/mediasoup-worker-$VERSION-$(uname -m)-$PATCH_HASH

log() { echo "[mediasoup-worker] $*"; }
# The worker exits with 41 when started without MEDIASOUP_VERSION: proof it loads and runs here.
runs() { [ -x "$1" ] || return 1; local rc=0; env -i "$1" >/dev/null 2>&1 || rc=$?; [ "$rc" = 41 ]; }
check() { MEDIASOUP_WORKER_BIN=$BIN node scripts/mediasoup-offline/check.mjs; }

# What this script installed, so a worker built with an older patch is not kept.
STAMP=$BIN.diemcau
stamp=$(cat "$STAMP" 2>/dev/null || true)

if runs "$BIN" && { [ -z "$stamp" ] || [ "$stamp" = "$(basename "$CACHED")" ]; }; then
  log "using the existing worker ($BIN)"
elif runs "$CACHED"; then
  log "using the cached worker ($CACHED)"
  install -D -m 0755 "$CACHED" "$BIN"
  basename "$CACHED" > "$STAMP"
else
  rm -f "$BIN" "$STAMP"
  if [ -z "${MEDIASOUP_SKIP_WORKER_PREBUILT_DOWNLOAD:-}" ]; then
    log "trying mediasoup's prebuilt worker download"
    node scripts/mediasoup-offline/download.mjs "$MS_DIR" || true
  fi
  if runs "$BIN"; then
    log "using the downloaded prebuilt worker"
  else
    log "building mediasoup $VERSION worker offline (about 8 minutes on 2 cores)"
    start=$(date +%s)
    bash scripts/mediasoup-offline/build.sh "$MS_DIR"
    log "built in $(( $(date +%s) - start )) s"
  fi
  runs "$BIN" || { log "the worker at $BIN does not run"; exit 1; }
  basename "$CACHED" > "$STAMP"
  mkdir -p "$CACHE_DIR"
  install -m 0755 "$BIN" "$CACHED.tmp.$$" && mv -f "$CACHED.tmp.$$" "$CACHED"
  log "cached as $CACHED"
fi
check
