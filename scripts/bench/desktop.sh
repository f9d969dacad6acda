#!/usr/bin/env bash
# Desktop benchmark: cold start to first paint and idle memory of the Cinedesk window under Xvfb,
# against WebKitGTK's own MiniBrowser showing a static page (the engine's floor) in the same run.
# Each run starts on a fresh data dir (first-run page), in a private Xvfb.
# Usage: bash scripts/bench/desktop.sh [RUNS]   (default 5; CINEDESK_APP=binary to choose the
#        build, default the release build if there is one, else the debug build)
set -euo pipefail
cd "$(dirname "$0")/../.."
export CARGO_TARGET_DIR="${CARGO_TARGET_DIR:-$HOME/.cache/cinedesk-target}"
runs="${1:-5}"

app="${CINEDESK_APP:-}"
if [ -z "$app" ]; then
  for c in "$CARGO_TARGET_DIR/release/cinedesk-desktop" "$CARGO_TARGET_DIR/debug/cinedesk-desktop"; do
    if [ -x "$c" ]; then app="$c"; break; fi
  done
fi
[ -x "${app:-}" ] || { echo "no desktop build found; run scripts/package.sh or cargo build -p cinedesk-desktop" >&2; exit 1; }
minibrowser=/usr/lib/x86_64-linux-gnu/webkit2gtk-4.1/MiniBrowser

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
# The reference page: some text and a coloured block, drawn by the same engine. A data: URL,
# since MiniBrowser's sandbox may not read files in /tmp.
cat >"$work/ref.html" <<'HTML'
<!doctype html><meta charset="utf-8"><title>ref</title>
<body style="margin:0;font:16px sans-serif;background:#f5f7fa">
<div style="margin:120px auto;width:420px;padding:24px;background:#fff;border:1px solid #dcdfe6">
<h2 style="color:#1f6feb">Cinedesk 参考页</h2><p>WebKitGTK alone, a static page, for comparison.</p>
<div style="height:200px;background:#e6f0ff"></div></div>
HTML

ref_url="data:text/html;charset=utf-8,$(python3 -c 'import sys, urllib.parse; print(urllib.parse.quote(open(sys.argv[1]).read()))' "$work/ref.html")"

display=$((90 + RANDOM % 100))
probe() { python3 scripts/bench/desktop_probe.py --display "$display" "$@"; }
echo "app: $app ($(du -h "$app" | cut -f1)); $runs runs each; $(nproc) cores; load $(cut -d' ' -f1-3 /proc/loadavg)"
: >"$work/results.jsonl"
for i in $(seq "$runs"); do
  data="$work/data-$i"
  CINEDESK_DATA_DIR="$data" CINEDESK_LOG_DIR="$work/logs" probe --label cinedesk -- "$app" | tee -a "$work/results.jsonl"
  probe --label minibrowser -- "$minibrowser" "$ref_url" | tee -a "$work/results.jsonl"
done

python3 - "$work/results.jsonl" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
def med(label, key):
    vals = [r[key] for r in rows if r["label"] == label and r[key] is not None]
    return statistics.median(vals) if vals else None
print()
print(f"{'median of runs':<26}{'cinedesk':>12}{'MiniBrowser':>14}{'ratio':>8}   target")
for key, unit, target in [("first_paint_ms", "ms", "<= 1000 ms"), ("settled_ms", "ms", ""),
                          ("idle_rss_mib", "MiB", "<= 150 MB"), ("idle_pss_mib", "MiB", "")]:
    a, b = med("cinedesk", key), med("minibrowser", key)
    ratio = f"{a / b:.2f}x" if a is not None and b else "-"
    print(f"{key + ' (' + unit + ')':<26}{a!s:>12}{b!s:>14}{ratio:>8}   {target}")
PY
