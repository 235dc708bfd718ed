#!/usr/bin/env bash
# Install everything, then check the bundled sample and render it to HTML, DOCX and PDF in out/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
sample=samples/002-zengcheng-2020.yaml
echo "==> reportgen check $sample"
.venv/bin/reportgen check "$sample"
echo "==> reportgen build $sample -o out"
.venv/bin/reportgen build "$sample" -o out --to html,docx,pdf
ls -l out/
