#!/usr/bin/env bash
# Builds the Linux packages of the desktop app (.deb and AppImage) with the Tauri CLI: the UI
# first (tauri.conf.json's beforeBuildCommand), then a release build, then the bundles.
# Installs the Tauri CLI (`cargo tauri`) the first time, which compiles it (many minutes).
# Usage: bash scripts/package.sh [BUNDLES]   (default deb,appimage; prints the artifacts)
# Windows and macOS installers are built by .github/workflows/release.yml.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/cinedesk-target}"
export PATH="$HOME/.cargo/bin:$PATH"
bundles="${1:-deb,appimage}"

bash scripts/install-deps.sh
if ! cargo tauri --version >/dev/null 2>&1; then
  echo "installing the Tauri CLI (cargo install tauri-cli)"
  cargo install tauri-cli --version "^2" --locked
fi
cargo tauri --version

cargo tauri build --bundles "$bundles"

echo "artifacts:"
find "$CARGO_TARGET_DIR/release/bundle" -maxdepth 2 -type f \( -name "*.deb" -o -name "*.AppImage" \) -exec ls -l --block-size=K {} \;
ls -l --block-size=K "$CARGO_TARGET_DIR/release/cinedesk-desktop"
