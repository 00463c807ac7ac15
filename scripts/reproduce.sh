#!/usr/bin/env bash
# Reproduce every figure: set up what is missing, then execute each notebook headless in place (outputs
# saved into the notebook), sign it (trusted by this user's Jupyter, so its live figures show) and export its
# figures to figures/<notebook>/ as PNG, SVG and HTML.
# Usage: npm run reproduce [-- NAME ...]   (names are notebook prefixes, e.g. 01 or A3; default: all)
# COLLAPSE_QUICK=1 runs the quick grids instead of the paper's.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
notebooks=()
if [ $# -eq 0 ]; then
  notebooks=(notebooks/*.ipynb)
else
  for p in "$@"; do for nb in notebooks/"$p"*.ipynb; do [ -f "$nb" ] && notebooks+=("$nb"); done; done
fi
[ ${#notebooks[@]} -gt 0 ] || { echo "reproduce: no notebook matches: $*" >&2; exit 2; }
# Runs a command with its output on stderr, without the debugger's start-up noise; returns the command's status.
quiet() { "$@" 2>&1 | { grep -v -i 'debugger\|frozen_modules\|PYDEVD' || true; } >&2; return "${PIPESTATUS[0]}"; }
mode=full; [ -n "${COLLAPSE_QUICK:-}" ] && [ "${COLLAPSE_QUICK}" != 0 ] && mode=quick
for nb in "${notebooks[@]}"; do
  name=$(basename "$nb" .ipynb)
  echo "reproduce: executing $nb ($mode grids; figures to figures/$name/)" >&2
  start=$(date +%s)
  status=0
  COLLAPSE_FIGURES_DIR="$PWD/figures/$name" quiet /usr/bin/jupyter nbconvert --to notebook --execute --inplace \
    --ExecutePreprocessor.timeout=-1 --ExecutePreprocessor.kernel_name=tslab "$nb" || status=$?
  [ "$status" -eq 0 ] || { echo "reproduce: $nb failed" >&2; exit "$status"; }
  # Sign what was just executed, so this user's Jupyter trusts it: its live (HTML/JavaScript) figures show when the
  # notebook is opened. Debian has no `jupyter trust`; `python3 -m nbformat.sign` is the same command.
  quiet /usr/bin/python3 -m nbformat.sign "$nb" || { echo "reproduce: could not sign $nb" >&2; exit 1; }
  echo "reproduce: $nb done in $(( $(date +%s) - start )) s" >&2
done
