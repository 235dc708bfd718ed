#!/usr/bin/env bash
# Install everything, then run the linter and the whole test suite.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
echo "==> ruff check"
.venv/bin/ruff check reportgen tests bench
echo "==> pytest"
.venv/bin/python -m pytest "$@"
