#!/usr/bin/env bash
# Runs every test of Cinedesk: formatting and lints, the Rust crates' tests, the UI's checks and
# unit tests, the web UI end to end in Chromium against `cinedesk serve`, and the real desktop
# window under Xvfb. Installs what is
# missing first, so it works on a fresh Debian machine.
set -euo pipefail
cd "$(dirname "$0")/.."

# One persistent build cache outside the checkout, reused across clones and CI runs.
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/cinedesk-target}"
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

bash scripts/install-deps.sh

step() { printf '\n==> %s\n' "$*"; }

# The UI comes first: the desktop crate embeds ui/dist when it compiles.
step "UI: lint, type-check, unit tests, build"
npm --prefix ui run lint
npm --prefix ui run typecheck
npm --prefix ui test
npm --prefix ui run build

step "rustfmt"
cargo fmt --all -- --check

step "no import circles between the server's modules"
python3 scripts/import-cycles.py src-tauri/server/src

step "clippy (every crate, the desktop one included; warnings are errors)"
cargo clippy --workspace --all-targets --locked -- -D warnings

step "Rust tests"
cargo test --workspace --locked

step "UI API types match the server's OpenAPI document (regenerate: npm --prefix ui run gen:types)"
bash ui/scripts/gen-types.sh --check

step "schemathesis against cinedesk serve (responses match /cms/openapi.json, never a 5xx)"
bash scripts/schemathesis.sh

step "web UI end to end (cinedesk serve + Chromium)"
bash tests/web/run.sh

step "desktop window end to end (tauri-driver under Xvfb)"
bash tests/desktop/run.sh

