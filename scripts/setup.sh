#!/usr/bin/env bash
# SPDX-License-Identifier: Apache-2.0
# Installs everything FGM needs to build, test, benchmark and demo, from Debian's packages and npm.
# Idempotent: a second run installs nothing and takes about a second. Run as root (or with sudo).
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  # build
  build-essential cmake ninja-build pkg-config git clang clang-format libclang-rt-14-dev
  # C++ libraries
  libgtest-dev libgmock-dev libbenchmark-dev libcli11-dev nlohmann-json3-dev libcpp-httplib-dev
  libzstd-dev libsnappy-dev zlib1g-dev liblz4-dev libfftw3-dev libcurl4-openssl-dev libssl-dev
  libbrotli-dev
  # WASM engine for the offline export
  emscripten
  # browser tests, scenarios (todo-app database), benchmark baselines
  chromium postgresql netdata
  # scenarios: fgm-workload's SQL client for the todo-app (libpq headers)
  libpq-dev
  # tools used by tests and scripts
  procps psmisc curl python3 ca-certificates
  # deploy/ manifest checks (test/k8s)
  python3-yaml
)

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$pkg")
  fi
done

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

if ((${#missing[@]})); then
  echo "setup: installing ${#missing[@]} Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # Debian's netdata/postgresql postinst scripts try to start services; there is no init system to
  # talk to in containers, so block service starts during the install (policy-rc.d exit 101).
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee /usr/sbin/policy-rc.d >/dev/null
    $SUDO chmod +x /usr/sbin/policy-rc.d
    trap '$SUDO rm -f /usr/sbin/policy-rc.d' EXIT
  fi
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "setup: Debian packages present"
fi

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  echo "setup: node and npm are required (Node.js >= 20). Install them first: apt-get install nodejs npm" >&2
  exit 1
fi

# npm ci is slow-ish (removes node_modules); skip it when the installed tree matches the lock file.
stamp=node_modules/.fgm-lock-stamp
if [ ! -f "$stamp" ] || ! cmp -s package-lock.json "$stamp"; then
  echo "setup: npm ci"
  npm ci --no-audit --no-fund --loglevel=error
  cp package-lock.json "$stamp"
else
  echo "setup: node_modules up to date"
fi
