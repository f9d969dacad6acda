#!/usr/bin/env bash
# Runs the desktop end-to-end test: builds the UI and the app, then drives the real window
# under Xvfb through tauri-driver (WebKitWebDriver) on a fresh data dir.
set -euo pipefail
cd "$(dirname "$0")/../.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/cinedesk-target}"

[ -f ui/dist/index.html ] || npm --prefix ui run build
cargo build -p cinedesk-desktop --locked

data_dir="$(mktemp -d)"
trap 'rm -rf "$data_dir"' EXIT
export CINEDESK_DATA_DIR="$data_dir"
export CINEDESK_APP="$CARGO_TARGET_DIR/debug/cinedesk-desktop"
export PATH="$HOME/.cargo/bin:$PATH"

# tauri-driver starts WebKitWebDriver, which starts the app with this environment.
xvfb-run -a -s "-screen 0 1280x800x24" bash -c '
  tauri-driver --port 4444 >"$CINEDESK_DATA_DIR/tauri-driver.log" 2>&1 &
  driver=$!
  for _ in $(seq 50); do
    curl -fs http://127.0.0.1:4444/status >/dev/null 2>&1 && break
    sleep 0.2
  done
  status=0
  node tests/desktop/e2e.mjs || status=$?
  kill "$driver" 2>/dev/null || true
  wait "$driver" 2>/dev/null || true
  if [ "$status" != 0 ]; then echo "--- tauri-driver log"; cat "$CINEDESK_DATA_DIR/tauri-driver.log"; fi
  exit "$status"
'
