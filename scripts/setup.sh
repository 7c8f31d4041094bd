#!/usr/bin/env bash
# Installs what the tests need on a fresh machine (Debian packages, npm packages).
# Idempotent: a second run only checks.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
command -v bc >/dev/null || need_apt+=(bc)
command -v curl >/dev/null || need_apt+=(curl)
# scripts/sol-cases.py (the Foundry replay cases' extractor)
command -v python3 >/dev/null || need_apt+=(python3)
if [ -f package-lock.json ]; then
  command -v npm >/dev/null || need_apt+=(nodejs npm)
fi
if [ ${#need_apt[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need_apt[@]}"
fi

# npm packages (forge, anvil, solc-js, forge-std, OpenZeppelin): reinstalled only when the lock
# file changed since the last install.
if [ -f package-lock.json ]; then
  stamp=node_modules/.package-lock.sha256
  want=$(sha256sum package-lock.json | cut -d' ' -f1)
  if [ ! -x node_modules/.bin/forge ] || [ "$(cat "$stamp" 2>/dev/null)" != "$want" ]; then
    npm ci --no-audit --no-fund
    echo "$want" >"$stamp"
  fi
fi
