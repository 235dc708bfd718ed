#!/usr/bin/env bash
# Install everything reportgen needs: on Debian/Ubuntu the system packages (CJK fonts,
# HarfBuzz subsetting for fast PDF font embedding, Pango for WeasyPrint, poppler for the
# PDF tests), then a virtualenv in .venv with reportgen and its test tools.
# Safe to run again: it skips what is already installed.
set -euo pipefail
cd "$(dirname "$0")/.."

SYSTEM_PACKAGES=(
  fonts-noto-cjk          # Noto Serif/Sans CJK SC: free fallbacks for 仿宋/小标宋 and 黑体
  fonts-noto-cjk-extra    # Noto Serif CJK SC Black: the heavy serif standing in for 小标宋
  fonts-arphic-ukai       # AR PL UKai: free fallback for 楷体
  libharfbuzz-subset0     # WeasyPrint subsets CJK fonts ~30x faster with it
  libpango-1.0-0 libpangoft2-1.0-0 fontconfig
  poppler-utils           # pdftotext/pdftoppm, used by the tests and for looking at PDFs
  chromium chromium-driver  # headless browser: tests of reportgen serve (selenium), PDFs as
                            # a browser prints them (import tests), screenshots
  libreoffice-writer-nogui libreoffice-calc-nogui  # PDF/DOCX/XLSX as agencies save them (tests)
)

if command -v apt-get >/dev/null 2>&1; then
  missing=()
  for pkg in "${SYSTEM_PACKAGES[@]}"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  if ! python3 -c "import ensurepip, venv" >/dev/null 2>&1; then
    missing+=(python3-venv python3-pip)
  fi
  if [ ${#missing[@]} -gt 0 ]; then
    SUDO=""
    [ "$(id -u)" -ne 0 ] && SUDO="sudo"
    echo "==> apt-get install ${missing[*]}"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
else
  echo "==> not a Debian system: install CJK fonts (Noto CJK), Pango and HarfBuzz yourself"
fi

if [ ! -x .venv/bin/python ]; then
  echo "==> python3 -m venv .venv"
  python3 -m venv .venv
fi
echo "==> pip install -e .[test]"
.venv/bin/python -m pip install -q --disable-pip-version-check --upgrade pip
.venv/bin/python -m pip install -q --disable-pip-version-check -e ".[test]"
