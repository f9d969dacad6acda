#!/usr/bin/env bash
# The UI's types of the REST API, generated from the OpenAPI document the server serves
# (`cinedesk openapi`, the route table's own document) by openapi-typescript:
#   src/backend/generated/openapi.json  the document, pretty-printed (what the types came from)
#   src/backend/generated/openapi.ts    its types (`components['schemas']`, `operations`)
# Without arguments it writes them (npm --prefix ui run gen:types). With --check it generates
# them aside and fails when the committed ones differ (the test command runs this after the
# Rust build; regenerate and commit when a route's request or answer changed).
set -euo pipefail
ui="$(cd "$(dirname "$0")/.." && pwd)"
out="$ui/src/backend/generated"
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/cinedesk-target}"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# RUST_LOG=warn: the throwaway database the router is built over is not worth a log line.
(cd "$ui/.." && RUST_LOG=warn cargo run --quiet --locked -p cinedesk-server --bin cinedesk -- openapi) >"$work/served.json"
node -e 'const fs = require("fs"); const [src, dst] = process.argv.slice(1);
  fs.writeFileSync(dst, JSON.stringify(JSON.parse(fs.readFileSync(src, "utf8")), null, 2) + "\n")' \
  "$work/served.json" "$work/openapi.json"
"$ui/node_modules/.bin/openapi-typescript" "$work/openapi.json" --output "$work/openapi.ts" >/dev/null

if [ "${1:-}" = "--check" ]; then
  for f in openapi.json openapi.ts; do
    if ! diff -u "$out/$f" "$work/$f" >"$work/$f.diff"; then
      head -n 60 "$work/$f.diff"
      echo
      echo "ui/src/backend/generated/$f differs from what the server's OpenAPI document gives."
      echo "A route's request or answer changed: regenerate the UI's API types with"
      echo "  npm --prefix ui run gen:types"
      echo "then fix what the type check finds, and commit both."
      exit 1
    fi
  done
  echo "ui/src/backend/generated matches the server's OpenAPI document"
  exit 0
fi
mkdir -p "$out"
cp "$work/openapi.json" "$work/openapi.ts" "$out/"
echo "wrote $out/openapi.json and openapi.ts"
