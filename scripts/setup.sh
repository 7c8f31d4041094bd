#!/usr/bin/env bash
# Installs what the tests need on a fresh machine (Debian packages, npm packages).
# Idempotent: a second run only checks.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v bc >/dev/null || need_apt+=(bc)
command -v curl >/dev/null || need_apt+=(curl)
if [ ${#need_apt[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}"
fi

if [ -f package-lock.json ]; then
  npm ci --no-audit --no-fund
fi
