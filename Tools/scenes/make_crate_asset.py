#!/usr/bin/env python3
"""Writes Scenes/assets/crate/: a small textured OBJ asset (crate.obj, crate.mtl, crate.png).

A wooden crate (unit cube, textured planks, one material with map_Kd) with two metal bands
(a second material with only a diffuse colour, and per-vertex colours so the loader's vertex
colour path is exercised). Standard library only; the PNG is written with zlib.
Run from the repository root: python3 Tools/scenes/make_crate_asset.py
"""
import math
import os
import random
import struct
import zlib

OUT = os.path.join("Scenes", "assets", "crate")
SIZE = 128


def png(path, width, height, rows):
    """8-bit RGB PNG from a list of rows of (r, g, b) tuples."""
    raw = b"".join(b"\x00" + bytes(c for px in row for c in px) for row in rows)

    def chunk(kind, data):
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def plank_texture():
    """Four horizontal planks with grain, dark gaps, nail heads and a stencilled X."""
    rng = random.Random(4)
    phases = [rng.uniform(0, 6.28) for _ in range(8)]
    tones = [rng.uniform(0.85, 1.1) for _ in range(4)]
    rows = []
    for y in range(SIZE):
        plank = y * 4 // SIZE
        row = []
        for x in range(SIZE):
            grain = 0.5 + 0.5 * math.sin(x * 0.35 + 3 * math.sin(y * 0.21 + phases[plank]) + phases[plank + 4])
            base = (0.55 + 0.12 * grain) * tones[plank]
            r, g, b = base, base * 0.72, base * 0.42
            if y % (SIZE // 4) in (0, 1):  # gap between planks
                r, g, b = r * 0.35, g * 0.35, b * 0.35
            for nx in (10, SIZE - 11):  # nail heads
                ny = plank * SIZE // 4 + SIZE // 8
                if (x - nx) ** 2 + (y - ny) ** 2 <= 4:
                    r, g, b = 0.25, 0.25, 0.27
            if abs(x - y) <= 2 or abs(x + y - SIZE) <= 2:  # stencil
                if 24 <= x <= SIZE - 24:
                    r, g, b = 0.12, 0.1, 0.08
            row.append(tuple(max(0, min(255, int(round(v * 255)))) for v in (r, g, b)))
        rows.append(row)
    return rows


def main():
    os.makedirs(OUT, exist_ok=True)
    png(os.path.join(OUT, "crate.png"), SIZE, SIZE, plank_texture())
    with open(os.path.join(OUT, "crate.mtl"), "w") as f:
        f.write("# Crate materials: textured wood and plain steel.\n")
        f.write("newmtl wood\nKa 1 1 1\nKd 1 1 1\nmap_Kd crate.png\n\n")
        f.write("newmtl steel\nKa 1 1 1\nKd 0.8 0.82 0.85\n")

    lines = ["# Wooden crate with two steel bands; made by Tools/scenes/make_crate_asset.py", "mtllib crate.mtl"]
    positions, uvs, normals = [], [], []
    faces = {"wood": [], "steel": []}

    def quad(material, corners, normal, colour=None):
        """corners: four (x, y, z, u, v) counter-clockwise seen from outside."""
        normals.append(normal)
        ni = len(normals)
        idx = []
        for (x, y, z, u, v) in corners:
            positions.append((x, y, z, colour))
            uvs.append((u, v))
            idx.append((len(positions), len(uvs), ni))
        faces[material].append(idx)

    h = 0.5
    # Wood: six faces of a unit cube, each with the full texture.
    cube = [
        ((1, 0, 0), [(h, -h, h), (h, -h, -h), (h, h, -h), (h, h, h)]),
        ((-1, 0, 0), [(-h, -h, -h), (-h, -h, h), (-h, h, h), (-h, h, -h)]),
        ((0, 1, 0), [(-h, h, h), (h, h, h), (h, h, -h), (-h, h, -h)]),
        ((0, -1, 0), [(-h, -h, -h), (h, -h, -h), (h, -h, h), (-h, -h, h)]),
        ((0, 0, 1), [(-h, -h, h), (h, -h, h), (h, h, h), (-h, h, h)]),
        ((0, 0, -1), [(h, -h, -h), (-h, -h, -h), (-h, h, -h), (h, h, -h)]),
    ]
    square = [(0, 0), (1, 0), (1, 1), (0, 1)]
    for normal, corners in cube:
        quad("wood", [(x, y, z, u, v) for (x, y, z), (u, v) in zip(corners, square)], normal)
    # Steel: two bands standing 1 cm proud of the sides, darker at the bottom (vertex colours).
    e = h + 0.01
    for yc in (-0.3, 0.3):
        y0, y1 = yc - 0.05, yc + 0.05
        lo, hi = (0.7, 0.7, 0.75), (1.0, 1.0, 1.0)
        sides = [
            ((0, 0, 1), [(-e, y0, e), (e, y0, e), (e, y1, e), (-e, y1, e)]),
            ((1, 0, 0), [(e, y0, e), (e, y0, -e), (e, y1, -e), (e, y1, e)]),
            ((0, 0, -1), [(e, y0, -e), (-e, y0, -e), (-e, y1, -e), (e, y1, -e)]),
            ((-1, 0, 0), [(-e, y0, -e), (-e, y0, e), (-e, y1, e), (-e, y1, -e)]),
        ]
        for normal, corners in sides:
            start = len(positions)
            quad("steel", [(x, y, z, 0, 0) for (x, y, z) in corners], normal)
            for k in range(4):
                x, y, z, _ = positions[start + k]
                positions[start + k] = (x, y, z, lo if y == y0 else hi)

    for (x, y, z, colour) in positions:
        c = colour or (1.0, 1.0, 1.0)
        lines.append("v %.4f %.4f %.4f %.3f %.3f %.3f" % (x, y, z, *c))
    lines += ["vt %.4f %.4f" % uv for uv in uvs]
    lines += ["vn %g %g %g" % n for n in normals]
    for material in ("wood", "steel"):
        lines.append("usemtl " + material)
        for idx in faces[material]:
            lines.append("f " + " ".join("%d/%d/%d" % i for i in idx))
    with open(os.path.join(OUT, "crate.obj"), "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
