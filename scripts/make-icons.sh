#!/usr/bin/env bash
# Draws the Cinedesk logo (a play button on a rounded blue tile) and writes every icon the
# bundles need into icons/: PNGs for Linux, icon.ico for Windows, icon.icns for macOS.
# Drawn rather than checked in as a one-off so the logo can be changed in one place.
set -euo pipefail
cd "$(dirname "$0")/.."

# Debian's ImageMagick 6, by full path: /usr/local/bin/convert may be a different tool.
im=/usr/bin/convert
command -v magick >/dev/null 2>&1 && im=magick
out=icons
mkdir -p "$out"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT

# PNG32 forces RGBA even where the picture would fit a palette: tauri's icon loader wants RGBA.
"$im" -size 1024x1024 xc:none \
  -fill '#1f6feb' -draw 'roundrectangle 64,64 960,960 176,176' \
  -fill '#ffd33d' -draw 'circle 300,300 300,350' \
  -fill white -draw 'polygon 400,300 740,512 400,724' \
  "PNG32:$tmp/1024.png"

for s in 16 32 48 64 128 256 512; do
  "$im" "$tmp/1024.png" -filter Lanczos -resize "${s}x${s}" "PNG32:$tmp/$s.png"
done
cp "$tmp/32.png" "$out/32x32.png"
cp "$tmp/128.png" "$out/128x128.png"
cp "$tmp/256.png" "$out/128x128@2x.png"
cp "$tmp/512.png" "$out/icon.png"

"$im" "$tmp/256.png" "$tmp/128.png" "$tmp/64.png" "$tmp/48.png" "$tmp/32.png" "$tmp/16.png" "$out/icon.ico"

# ImageMagick 6 cannot write ICNS, but the format is only a list of (type, length, PNG) entries
# since macOS 10.7, so a few lines of Python write it without another tool to install.
python3 - "$tmp" "$out/icon.icns" <<'PY'
import struct, sys
src, dest = sys.argv[1], sys.argv[2]
# icp4/icp5/icp6: 16/32/64 px; ic07/ic08/ic09/ic10: 128/256/512/1024 px; ic11-ic14: the @2x sizes.
entries = [("icp4", 16), ("icp5", 32), ("icp6", 64), ("ic07", 128), ("ic08", 256), ("ic09", 512),
           ("ic10", 1024), ("ic11", 32), ("ic12", 64), ("ic13", 256), ("ic14", 512)]
body = b""
for kind, size in entries:
    data = open(f"{src}/{size}.png", "rb").read()
    body += kind.encode() + struct.pack(">I", len(data) + 8) + data
open(dest, "wb").write(b"icns" + struct.pack(">I", len(body) + 8) + body)
PY
echo "icons written to $out/"
