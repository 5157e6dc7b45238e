#!/usr/bin/env bash
# One-time set-up for development and tests on a fresh Debian machine (offline apart from the npm
# registry and Debian's archive): system tools the tests use, then the exact npm dependency tree.
set -euo pipefail
cd "$(dirname "$0")/.."

# strace + iproute2: the network-silence check (npm run check:offline) runs the app under strace in a
# loopback-only namespace (unshare, from util-linux).
apt_pkgs=(chromium dcmtk poppler-utils python3-torch python3-onnx python3-pytest strace iproute2 util-linux)
missing=()
for p in "${apt_pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if ((${#missing[@]})); then
  if [ "$(id -u)" = 0 ]; then
    echo "setup: installing ${missing[*]} (Debian)"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  else
    echo "setup: please install with sudo: apt-get install ${missing[*]}" >&2
  fi
fi

# onnxruntime-node's install script would fetch the CUDA add-on from NuGet; .npmrc skips it
# (`npm run setup:gpu` fetches it explicitly on an online machine).
npm ci --no-audit --no-fund
echo "setup: done"
