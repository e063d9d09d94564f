#!/usr/bin/env bash
# Installs whatever is missing, and nothing twice: Debian/Ubuntu packages, npm dependencies,
# the mediasoup worker (downloaded, cached or built offline) and the browser client.
#   bash scripts/setup.sh            everything, test tools included (Chromium, Redis)
#   bash scripts/setup.sh --runtime  only what running the service needs
set -euo pipefail
cd "$(dirname "$0")/.."

# The worker's build dependencies (see scripts/mediasoup-offline/build.sh) and its run-time libraries.
# redis-server: `npm start` runs its own when REDIS_URL is not set.
PACKAGES=(g++ make python3 meson ninja-build pkg-config libssl-dev libuv1-dev libsrtp2-dev libusrsctp-dev
  libabsl-dev libflatbuffers-dev flatbuffers-compiler redis-server)
[ "${1:-}" = --runtime ] || PACKAGES+=(chromium fonts-noto-core openssl)

log() { echo "[setup] $*"; }

node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" -lt 20 ]; then
  log "Node.js 20 or later is required (found: $(node --version 2>/dev/null || echo none))."
  exit 1
fi

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  log "installing system packages: ${missing[*]}"
  SUDO=; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# mediasoup's postinstall would download a prebuilt worker or build one with downloads of its own;
# a set MEDIASOUP_WORKER_BIN makes it stand aside, and scripts/mediasoup-worker.sh does that job.
WORKER_BIN=$PWD/node_modules/mediasoup/worker/out/Release/mediasoup-worker
lock_hash=$(sha256sum package-lock.json | cut -c1-16)
if [ "$(cat node_modules/.diemcau-lock 2>/dev/null)" != "$lock_hash" ]; then
  log "installing npm dependencies"
  MEDIASOUP_WORKER_BIN=$WORKER_BIN npm ci --no-audit --no-fund --loglevel=error
  echo "$lock_hash" > node_modules/.diemcau-lock
fi

bash scripts/mediasoup-worker.sh
npm run --silent build
log "ready"
