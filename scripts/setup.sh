#!/usr/bin/env bash
# Everything a fresh Debian machine with Node 20 lacks, installed idempotently (each step is skipped when
# already done): Debian's Jupyter (nbconvert, nbclient, ipykernel, the notebook server) for /usr/bin/python3,
# Chromium for the static figures, the npm packages, the compiled library, and the TypeScript kernel "tslab".
set -euo pipefail
cd "$(dirname "$0")/.."
say() { printf 'setup: %s\n' "$*" >&2; }

sudo_if_needed() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

missing=()
[ -x /usr/bin/jupyter-nbconvert ] || missing+=(jupyter-nbconvert)
[ -x /usr/bin/jupyter-notebook ] || missing+=(jupyter-notebook)   # the notebook server: opening notebooks, test/browser.test.ts
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

# Register the Jupyter kernel "tslab" ("TypeScript", the name the notebooks' metadata gives). It is not this
# clone's tslab but a launcher in the kernel's own folder (scripts/kernel/tslab-kernel.js) that runs the tslab of
# each notebook's own project: this clone's for its notebooks, another clone's for that clone's, the clone's that
# a folder installed with `npm install <clone>`. A second clone's set-up therefore re-points nothing; it only adds
# itself to the fallback list for notebooks outside any project. The line printed says what changed, if anything.
registered=$(node scripts/kernel/register.js)
[ -z "$registered" ] || say "$registered"
