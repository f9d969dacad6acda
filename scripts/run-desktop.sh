#!/usr/bin/env bash
# Installs what is missing, builds the UI and the desktop app, and launches it on the embedded
# database (the OS app data dir, or CINEDESK_DATA_DIR).
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/cinedesk-target}"

# Say so before minutes of building, not after.
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  echo "No display found (DISPLAY and WAYLAND_DISPLAY are unset): the app needs a desktop session." >&2
  echo "On a headless machine, run it as: xvfb-run -a bash scripts/run-desktop.sh" >&2
  exit 1
fi

bash scripts/install-deps.sh
npm --prefix ui run build
# The debug profile shares its build cache with the tests (dependencies are optimised anyway,
# see Cargo.toml), so a first launch builds once for both.
cargo build -p cinedesk-desktop --locked

exec "$CARGO_TARGET_DIR/debug/cinedesk-desktop"
