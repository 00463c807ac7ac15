#!/usr/bin/env bash
# Reproduce every figure: set up what is missing, then execute each notebook headless in place (outputs
# saved into the notebook) and export its figures to figures/<notebook>/ as PNG, SVG and HTML.
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
mode=full; [ -n "${COLLAPSE_QUICK:-}" ] && [ "${COLLAPSE_QUICK}" != 0 ] && mode=quick
for nb in "${notebooks[@]}"; do
  name=$(basename "$nb" .ipynb)
  echo "reproduce: executing $nb ($mode grids; figures to figures/$name/)" >&2
  start=$(date +%s)
  COLLAPSE_FIGURES_DIR="$PWD/figures/$name" /usr/bin/jupyter nbconvert --to notebook --execute --inplace \
    --ExecutePreprocessor.timeout=-1 --ExecutePreprocessor.kernel_name=tslab "$nb" 2>&1 | grep -v -i 'debugger\|frozen_modules\|PYDEVD' >&2 || true
  status=${PIPESTATUS[0]}
  [ "$status" -eq 0 ] || { echo "reproduce: $nb failed" >&2; exit "$status"; }
  echo "reproduce: $nb done in $(( $(date +%s) - start )) s" >&2
done
