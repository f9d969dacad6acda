#!/usr/bin/env bash
# Runs the web UI end to end: the real `cinedesk serve` on a free loopback port and a fresh
# data dir, serving ui/dist, driven in Debian's Chromium by playwright-core.
set -euo pipefail
cd "$(dirname "$0")/../.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/cinedesk-target}"

[ -f ui/dist/index.html ] || npm --prefix ui run build
cargo build -p cinedesk-server --locked
[ -d tests/web/node_modules/playwright-core ] || npm --prefix tests/web install --no-audit --no-fund

data_dir="$(mktemp -d)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
export CINEDESK_ADMIN_PASSWORD="web-e2e-password"
export CINEDESK_URL="http://127.0.0.1:$port"
# The same binary is the site agent (`cinedesk site`) the test starts for three cinemas.
export CINEDESK_BIN="$CARGO_TARGET_DIR/debug/cinedesk"
"$CARGO_TARGET_DIR/debug/cinedesk" --data "$data_dir" serve --listen "127.0.0.1:$port" --ui ui/dist \
  >"$data_dir/server.log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; rm -rf "$data_dir"' EXIT
for _ in $(seq 100); do
  curl -fs "$CINEDESK_URL/healthz" >/dev/null 2>&1 && break
  sleep 0.1
done
status=0
node tests/web/e2e.mjs || status=$?
if [ "$status" != 0 ]; then echo "--- server log"; cat "$data_dir/server.log"; fi
exit "$status"
