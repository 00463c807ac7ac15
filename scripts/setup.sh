#!/usr/bin/env bash
# Everything a fresh Debian machine with Node 20 lacks, installed idempotently (each step is skipped when
# already done): Debian's Jupyter (nbconvert, nbclient, ipykernel) for /usr/bin/python3, Chromium for the
# static figures, the npm packages, the compiled library, and tslab registered as the TypeScript kernel.
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf 'setup: %s\n' "$*" >&2; }

sudo_if_needed() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
[ -x /usr/bin/jupyter-nbconvert ] || missing+=(jupyter-nbconvert)
/usr/bin/python3 -c 'import nbclient' 2>/dev/null || missing+=(python3-nbclient)
/usr/bin/python3 -c 'import ipykernel' 2>/dev/null || missing+=(python3-ipykernel)
/usr/bin/python3 -c 'import jupyter_client' 2>/dev/null || missing+=(jupyter-client)
[ -x /usr/bin/chromium ] || [ -n "${CHROMIUM_PATH:-}" ] || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ]; then
  say "installing Debian packages: ${missing[*]}"
  sudo_if_needed apt-get update -qq
  sudo_if_needed env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# npm packages: install when missing or older than the lock file.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm packages (npm ci)"
  npm ci --no-audit --no-fund
fi
# npm 11 runs install scripts only for packages listed in package.json's allowScripts; check that
# the two that need one (zeromq for the kernel, esbuild for tsx) really work, and rebuild if not.
if ! node -e "require('zeromq')" 2>/dev/null || ! node -e "require('esbuild').transformSync('1')" 2>/dev/null; then
  say "rebuilding zeromq and esbuild"
  npm rebuild zeromq esbuild
fi

say "compiling lib/ (TypeScript 5.0, as tslab does)"
npx --no-install tsc -p tsconfig.json

# Register tslab (this project's copy) as the TypeScript kernel of Debian's Jupyter.
tslab_bin="$PWD/node_modules/.bin/tslab"
spec=$(/usr/bin/jupyter kernelspec list --json 2>/dev/null | /usr/bin/python3 -c 'import json,sys; print(json.load(sys.stdin)["kernelspecs"].get("tslab",{}).get("spec",{}).get("argv",[""])[0])' 2>/dev/null || true)
if [ "$spec" != "$tslab_bin" ]; then
  say "registering the tslab kernel ($tslab_bin)"
  scope=()
  [ "$(id -u)" -eq 0 ] || scope=(--user)
  "$tslab_bin" install --python=/usr/bin/python3 --binary="$tslab_bin" "${scope[@]}" >/dev/null 2>&1
fi
