#!/usr/bin/env bash
# Installs what Cinedesk needs to build, run and test, and only what is missing: Debian
# packages for Tauri (WebKitGTK), the window tests (Xvfb, WebKitWebDriver, CJK fonts), the
# QR sheet tests (poppler's pdftoppm/pdftotext/pdffonts, zbarimg) and film processing (FFmpeg),
# the benchmarks' references (wrk, sqlite3; the download bench's nginx is left to you: Debian's
# package starts a site on port 80),
# tauri-driver, and the npm packages of the UI and the end-to-end tests. Safe to run again and again.
set -euo pipefail
cd "$(dirname "$0")/.."

sudo=""
if [ "$(id -u)" != 0 ]; then sudo="sudo"; fi

packages=(
  build-essential pkg-config curl file
  libwebkit2gtk-4.1-dev libxdo-dev libssl-dev libayatana-appindicator3-dev librsvg2-dev
  xvfb xauth webkit2gtk-driver fonts-noto-cjk chromium dbus-daemon
  zbar-tools poppler-utils ffmpeg wrk sqlite3
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "installing Debian packages: ${missing[*]}"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

export PATH="$HOME/.cargo/bin:$PATH"
if ! command -v tauri-driver >/dev/null 2>&1; then
  echo "installing tauri-driver"
  cargo install tauri-driver --locked
fi

# Only when the lock file changed since the last install (npm keeps its own copy in
# node_modules). `npm install` rather than `npm ci`: npm leaves other platforms' optional
# packages (rollup's native builds) out of the lock here, which `npm ci` rejects as out of
# sync; `npm install` installs exactly the locked versions and leaves the lock as it is.
if [ ! -f ui/node_modules/.package-lock.json ] || [ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]; then
  echo "installing the UI's npm packages"
  npm --prefix ui install --no-audit --no-fund
fi
if [ ! -f tests/web/node_modules/.package-lock.json ] || [ tests/web/package-lock.json -nt tests/web/node_modules/.package-lock.json ]; then
  echo "installing the browser test's npm packages"
  npm --prefix tests/web install --no-audit --no-fund
fi
if [ ! -f tests/tus/node_modules/.package-lock.json ] || [ tests/tus/package-lock.json -nt tests/tus/node_modules/.package-lock.json ]; then
  echo "installing the tus test's npm packages (tus-js-client)"
  npm --prefix tests/tus install --no-audit --no-fund
fi

# schemathesis, for scripts/schemathesis.sh: pinned, in its own venv, installed again only when
# the pin changes.
SCHEMATHESIS_VERSION=4.32.5
venv="$HOME/.cache/cinedesk-venv"
if [ "$("$venv/bin/schemathesis" --version 2>/dev/null | grep -o '[0-9][0-9.]*' | head -1)" != "$SCHEMATHESIS_VERSION" ]; then
  echo "installing schemathesis $SCHEMATHESIS_VERSION into $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION"
fi
