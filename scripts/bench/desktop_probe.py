#!/usr/bin/env python3
"""One cold start of a desktop program under a private Xvfb: time to first paint, and idle memory.

Xvfb keeps its screen in a memory-mapped XWD file (-fbdir), so the screen is read every few
milliseconds without any X client disturbing the program. "First paint" is the first moment the
web area of the window (below the menu bar) shows rendered content: at least MIN_COLOURS
distinct colours in its sampled pixels, where a blank webview has one. "Settled" is the first
moment the screen equals its final state (the UI fully drawn). Memory is read after IDLE_S
seconds: RSS and PSS summed over the program and every process below it (WebKit's web and
network processes), from /proc.

Usage: desktop_probe.py --display N --label NAME -- COMMAND...   (prints one JSON line)
"""

import argparse
import json
import os
import struct
import subprocess
import sys
import tempfile
import time

MIN_COLOURS = 8
# The sampled band of the screen: below a GTK menu bar or MiniBrowser's toolbar (about 40 px).
BAND = (45, 760)
IDLE_S = 8.0
TIMEOUT_S = 30.0


def read_frame(path):
    """Returns (width, height, bytes_per_line, bytes_per_pixel, pixels) of an XWD file."""
    with open(path, "rb") as f:
        data = f.read()
    h = struct.unpack(">25I", data[:100])
    header_size, width, height = h[0], h[4], h[5]
    bits_per_pixel, bytes_per_line, ncolors = h[11], h[12], h[19]
    offset = header_size + ncolors * 12
    return width, height, bytes_per_line, bits_per_pixel // 8, data[offset:]


def band_colours(frame):
    width, height, bpl, bpp, px = frame
    colours = set()
    for y in range(BAND[0], min(BAND[1], height), 7):
        row = px[y * bpl : y * bpl + width * bpp]
        for x in range(0, width * bpp, bpp * 5):
            colours.add(row[x : x + bpp])
    return len(colours)


def descendants(pid):
    children = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


def memory(pids):
    """(rss_kib, pss_kib, {name: rss_kib}) summed over pids."""
    rss = pss = 0
    by_name = {}
    for p in pids:
        try:
            with open(f"/proc/{p}/status") as f:
                status = dict(line.split(":", 1) for line in f if ":" in line)
            with open(f"/proc/{p}/smaps_rollup") as f:
                rollup = dict(line.split(":", 1) for line in f if ":" in line and not line.startswith(" "))
        except OSError:
            continue
        r = int(status.get("VmRSS", "0 kB").split()[0])
        rss += r
        pss += int(rollup.get("Pss", "0 kB").split()[0])
        name = status["Name"].strip()
        by_name[name] = by_name.get(name, 0) + r
    return rss, pss, by_name


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--display", required=True)
    ap.add_argument("--label", required=True)
    ap.add_argument("command", nargs=argparse.REMAINDER)
    args = ap.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command

    fbdir = tempfile.mkdtemp(prefix="cdbench-fb-")
    xvfb = subprocess.Popen(
        ["Xvfb", f":{args.display}", "-screen", "0", "1280x800x24", "-fbdir", fbdir, "-nolisten", "tcp"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    fb = os.path.join(fbdir, "Xvfb_screen0")
    try:
        deadline = time.monotonic() + 10
        while not os.path.exists(fb) or not os.path.exists(f"/tmp/.X11-unix/X{args.display}"):
            if time.monotonic() > deadline:
                raise SystemExit("Xvfb did not start")
            time.sleep(0.02)
        env = dict(os.environ, DISPLAY=f":{args.display}")
        env.pop("WAYLAND_DISPLAY", None)
        env.pop("DBUS_SESSION_BUS_ADDRESS", None)
        frames = []  # (seconds since start, frame bytes' hash, colours in the band)
        t0 = time.monotonic()
        app = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        first_paint = None
        while time.monotonic() - t0 < IDLE_S:
            if app.poll() is not None:
                raise SystemExit(f"{command[0]} exited with {app.returncode} during the measurement")
            now = time.monotonic() - t0
            frame = read_frame(fb)
            colours = band_colours(frame)
            frames.append((now, hash(frame[4]), colours))
            if first_paint is None and colours >= MIN_COLOURS:
                first_paint = now
            time.sleep(0.005)
        final = frames[-1][1]
        settled = next(t for t, h, _ in frames if h == final and t >= (first_paint or 0))
        rss, pss, by_name = memory(descendants(app.pid))
        app.terminate()
        try:
            app.wait(timeout=10)
        except subprocess.TimeoutExpired:
            app.kill()
        print(
            json.dumps(
                {
                    "label": args.label,
                    "first_paint_ms": None if first_paint is None else round(first_paint * 1000),
                    "settled_ms": round(settled * 1000),
                    "idle_rss_mib": round(rss / 1024, 1),
                    "idle_pss_mib": round(pss / 1024, 1),
                    "rss_by_process_mib": {k: round(v / 1024, 1) for k, v in sorted(by_name.items())},
                    "frames_read": len(frames),
                }
            )
        )
    finally:
        xvfb.terminate()
        xvfb.wait()
        for name in os.listdir(fbdir):
            os.unlink(os.path.join(fbdir, name))
        os.rmdir(fbdir)


if __name__ == "__main__":
    sys.exit(main())
