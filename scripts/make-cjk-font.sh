#!/usr/bin/env bash
# Regenerates src-tauri/core/assets/fonts/NotoSansSC-GB2312.otf, the font that QR print sheets
# embed: Noto Sans CJK SC Regular (SIL OFL 1.1) cut down to ASCII, the GB2312 symbols and all
# 6,763 GB2312 hanzi (levels 1 and 2) with Latin-1 and common punctuation, so labels render on machines with no CJK font installed
# while the repository and the binaries grow by about 1.6 MB instead of 16 MB.
#
# Needs Debian's fonts-noto-cjk (the source font) and python3; fontTools is installed with pip
# into a throw-away venv. Usage: bash scripts/make-cjk-font.sh [source.ttc]
set -euo pipefail
cd "$(dirname "$0")/.."

src="${1:-/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc}"
out=src-tauri/core/assets/fonts/NotoSansSC-GB2312.otf
[ -f "$src" ] || { echo "no source font at $src (apt-get install fonts-noto-cjk)" >&2; exit 1; }

venv="$(mktemp -d)"
trap 'rm -rf "$venv"' EXIT
python3 -m venv "$venv"
"$venv/bin/pip" install -q 'fonttools==4.*'

# The characters: printable ASCII and Latin-1 (names like "Café", the middle dot of page footers),
# general punctuation (dashes, quotes, the ellipsis of cut labels), every GB2312 code point
# (rows 0xA1-0xA9 symbols, 0xB0-0xF7 hanzi), and U+25A1 □, which the renderer draws for
# characters the subset lacks.
"$venv/bin/python" - "$venv/chars.txt" <<'PY'
import sys
chars = [chr(c) for c in list(range(0x20, 0x7F)) + list(range(0xA0, 0x100)) + list(range(0x2010, 0x2028))]
chars.append("\u25a1")
for hi in list(range(0xA1, 0xAA)) + list(range(0xB0, 0xF8)):
    for lo in range(0xA1, 0xFF):
        try:
            chars.append(bytes([hi, lo]).decode("gb2312"))
        except UnicodeDecodeError:
            pass
open(sys.argv[1], "w", encoding="utf-8").write("".join(chars))
PY

# Font number 2 of the collection is the Simplified Chinese face. Only `kern` of the layout
# features is kept: the others (vertical forms, regional variants) would pull thousands of
# alternate glyphs into the subset, and labels are set horizontally in one locale. Hinting is
# dropped (print output is vector); the name table, with its copyright and license, is kept.
"$venv/bin/pyftsubset" "$src" --font-number=2 --text-file="$venv/chars.txt" --output-file="$out" \
  --layout-features=kern --no-hinting --name-IDs='*' --name-languages='*' --name-legacy
ls -l "$out"
