#!/usr/bin/env python3
"""Checks a sculpin-gui screenshot: a valid PNG of plausible size, not uniform, and every
node of the scenario drawn as a box (the box's fill colour dominates its inside, at the
place the GUI reported in its layout file)."""
import json
import struct
import sys
import zlib


def read_png(path):
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, width, height, channels = 8, b"", 0, 0, 0
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind = data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + length]
        (crc,) = struct.unpack(">I", data[pos + 8 + length:pos + 12 + length])
        assert zlib.crc32(kind + body) == crc, "bad CRC in " + kind.decode()
        if kind == b"IHDR":
            width, height, depth, colour = struct.unpack(">IIBB", body[:10])
            assert depth == 8 and colour in (2, 6)
            channels = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw = zlib.decompress(idat)
    stride = width * channels
    rows = []
    for y in range(height):
        line = raw[y * (stride + 1):(y + 1) * (stride + 1)]
        assert line[0] == 0, "only filter 0 is expected"
        rows.append(line[1:])
    return width, height, channels, rows


def main():
    png, layout_path, scenario_path = sys.argv[1:4]
    layout = json.load(open(layout_path))
    scenario = json.load(open(scenario_path))
    width, height, channels, rows = read_png(png)
    name = scenario["name"]
    problems = []
    if width < 800 or height < 500:
        problems.append(f"image too small: {width}x{height}")
    colours = set()
    for y in range(0, height, 7):
        row = rows[y]
        for x in range(0, width, 7):
            colours.add(bytes(row[x * channels:x * channels + 3]))
    if len(colours) < 20:
        problems.append(f"image nearly uniform: {len(colours)} colours")
    drawn = {n["name"]: n for n in layout["nodes"]}
    fills = {(48, 52, 64), (55, 50, 50), (38, 48, 70), (42, 42, 46)}
    for node in scenario["nodes"]:
        box = drawn.get(node["name"])
        if box is None:
            problems.append(f"node {node['name']} not drawn")
            continue
        x0, y0, x1, y1 = (int(round(box[k])) for k in ("x0", "y0", "x1", "y1"))
        if x0 < 0 or y0 < 0 or x1 > width or y1 > height or x1 - x0 < 50:
            problems.append(f"node {node['name']} box off screen: {box}")
            continue
        total = hits = 0
        for y in range(y0 + 4, y1 - 4, 3):
            row = rows[y]
            for x in range(x0 + 4, x1 - 4, 3):
                total += 1
                if tuple(row[x * channels:x * channels + 3]) in fills:
                    hits += 1
        if total == 0 or hits < total * 0.4:
            problems.append(f"node {node['name']}: no box drawn at {box} ({hits}/{total} fill pixels)")
    if problems:
        for p in problems:
            print(f"FAIL {name}: {p}", file=sys.stderr)
        return 1
    print(f"ok {name}: {width}x{height}, {len(colours)} colours sampled, {len(drawn)} node boxes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
