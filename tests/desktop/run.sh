#!/usr/bin/env bash
# Runs the desktop end-to-end test: builds the UI and the app, then drives the real window
# under Xvfb through tauri-driver (WebKitWebDriver) on a fresh data dir.
# Usage: bash tests/desktop/run.sh   (needs no display; prints "N passed, N failed" last)
set -euo pipefail
cd "$(dirname "$0")/../.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/cinedesk-target}"
export PATH="$HOME/.cargo/bin:$PATH"

# Checks only, when everything is there (well under a second).
bash scripts/install-deps.sh

# The app embeds ui/dist at compile time, so a stale dist would test an old UI: rebuild it when
# any UI source is newer than the last build.
if [ ! -f ui/dist/index.html ] ||
  [ -n "$(find ui/src ui/public ui/index.html ui/package.json ui/package-lock.json ui/vite.config.ts \
    -newer ui/dist/index.html -print -quit 2>/dev/null)" ]; then
  npm --prefix ui run build
fi
# Debug: the same build as scripts/run-desktop.sh and clippy's dependencies, so no second full
# compile of Tauri; dependencies are optimised in debug too (see Cargo.toml).
cargo build -p cinedesk-desktop --locked

# CINEDESK_APP may name another build (e.g. the release binary) to test that one instead.
export CINEDESK_APP="${CINEDESK_APP:-$CARGO_TARGET_DIR/debug/cinedesk-desktop}"
[ -x "$CINEDESK_APP" ] || { echo "the desktop binary is missing: $CINEDESK_APP" >&2; exit 1; }
data_dir="$(mktemp -d)"
trap 'rm -rf "$data_dir"' EXIT
export CINEDESK_DATA_DIR="$data_dir/data"
export CINEDESK_LOG_DIR="$data_dir/logs"
export TAURI_DRIVER_LOG="$data_dir/tauri-driver.log"
# Free ports of its own (tauri-driver's and WebKitWebDriver's), so that a second run or another
# tauri-driver on this machine does not clash with the usual 4444/4445.
read -r port native_port < <(python3 -c '
import socket
socks = [socket.socket() for _ in range(2)]
for s in socks: s.bind(("127.0.0.1", 0))
print(*(s.getsockname()[1] for s in socks))')
export TAURI_DRIVER_PORT="$port" TAURI_NATIVE_PORT="$native_port"
export WEBDRIVER_URL="http://127.0.0.1:$port"

# tauri-driver starts WebKitWebDriver, which starts the app with this environment (so the app
# sees CINEDESK_DATA_DIR, CINEDESK_LOG_DIR and the Xvfb display). A private D-Bus session bus of
# its own lets the single-instance check run without meeting any other Cinedesk on the machine.
dbus-run-session -- xvfb-run -a -s "-screen 0 1280x800x24" bash -c '
  tauri-driver --port "$TAURI_DRIVER_PORT" --native-port "$TAURI_NATIVE_PORT" >"$TAURI_DRIVER_LOG" 2>&1 &
  driver=$!
  up=""
  for _ in $(seq 100); do
    if curl -fs "$WEBDRIVER_URL/status" >/dev/null 2>&1; then up=1; break; fi
    sleep 0.1
  done
  status=0
  if [ -z "$up" ]; then
    echo "FAIL tauri-driver did not answer on $WEBDRIVER_URL within 10 s"
    echo "0 passed, 1 failed"
    status=1
  else
    node tests/desktop/e2e.mjs || status=$?
  fi
  kill "$driver" 2>/dev/null || true
  wait "$driver" 2>/dev/null || true
  if [ "$status" != 0 ]; then echo "--- tauri-driver log"; cat "$TAURI_DRIVER_LOG"; fi
  exit "$status"
'
