#!/usr/bin/env bash
# Builds mediasoup-worker from the npm package's sources against Debian 12 packages:
#   g++ python3 meson ninja-build pkg-config libssl-dev libuv1-dev libsrtp2-dev
#   libusrsctp-dev libabsl-dev libflatbuffers-dev flatbuffers-compiler
# Usage: build.sh node_modules/mediasoup
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
cd "$1/worker"
BUILD=out/Release/build
python3 "$HERE/patch.py" ..
[ -f "$BUILD/build.ninja" ] || meson setup --buildtype release -Db_ndebug=true \
  --wrap-mode=nodownload -Dms_disable_liburing=true "$BUILD"
# The generated FlatBuffers headers must exist before any C++ file compiles.
meson compile -C "$BUILD" flatbuffers-generator
meson compile -C "$BUILD" mediasoup-worker
install -m 0755 "$BUILD/mediasoup-worker" out/Release/mediasoup-worker
