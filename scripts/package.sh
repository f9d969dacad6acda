#!/usr/bin/env bash
# Builds the Linux packages of the desktop app (.deb and AppImage) with the Tauri CLI: the UI
# first, then a release build, then the bundles.
# The Tauri CLI is the npm build of it (a prebuilt binary), at the version of the `tauri` crate
# in Cargo.lock, so nothing has to compile it.
# Usage: bash scripts/package.sh [BUNDLES]   (default deb,appimage; prints the artifacts)
# Windows and macOS installers are built by .github/workflows/release.yml.
# An AppImage needs linuxdeploy, which the Tauri bundler downloads from GitHub: without access
# to GitHub only the .deb can be made (`bash scripts/package.sh deb`).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/cinedesk-target}"
bundles="${1:-deb,appimage}"

bash scripts/install-deps.sh
version="$(awk '/^name = "tauri"$/ { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock)"
tauri() { npm exec --yes --package "@tauri-apps/cli@$version" -- tauri "$@"; }
tauri --version

# The UI is built here rather than by beforeBuildCommand: the CLI runs that in the first folder
# with a package.json it finds (tests/tus), not at the repository root. The release workflow
# does the same with the same config file.
npm --prefix ui run build
# The desktop crate is not a default member of the workspace: name it for the build.
tauri build --bundles "$bundles" --config .github/tauri.release.json -- -p cinedesk-desktop

echo "artifacts:"
find "$CARGO_TARGET_DIR/release/bundle" -maxdepth 2 -type f \( -name "*.deb" -o -name "*.AppImage" \) -exec ls -l --block-size=K {} \;
ls -l --block-size=K "$CARGO_TARGET_DIR/release/cinedesk-desktop"
