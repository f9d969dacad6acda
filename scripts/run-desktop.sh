#!/usr/bin/env bash
# Installs what is missing, builds the UI and the desktop app, and launches it on the embedded
# database: the OS app data dir (~/.local/share/cinedesk on Linux), or CINEDESK_DATA_DIR if set.
# Usage: bash scripts/run-desktop.sh        (RUST_LOG=debug for more log on stderr)
#        xvfb-run -a bash scripts/run-desktop.sh   on a machine without a display
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/cinedesk-target}"

# Say so before minutes of building, not after.
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "No display found (DISPLAY and WAYLAND_DISPLAY are unset): the Cinedesk window needs a desktop session." >&2
  echo "On a headless machine, run it as: xvfb-run -a bash scripts/run-desktop.sh" >&2
  exit 1
fi

bash scripts/install-deps.sh
npm --prefix ui run build
# Debug, not release. Dependencies are optimised in debug builds too (Cargo.toml), so SQLite,
# argon2 and WebKit (a system library anyway) run at full speed and the window starts about as
# fast as a release build's; only the thin shell is unoptimised. The debug build shares its
# cache with clippy and the window test, while a release build compiles Tauri once more with LTO
# (many minutes on a small machine) for no visible gain here. Packages are release builds
# (`cargo tauri build`).
cargo build -p cinedesk-desktop --locked

echo "starting $CARGO_TARGET_DIR/debug/cinedesk-desktop (data: ${CINEDESK_DATA_DIR:-the OS app data dir})" >&2
exec "$CARGO_TARGET_DIR/debug/cinedesk-desktop"
