#!/usr/bin/env python3
"""Turns a `vid2world render` data folder into a nerfstudio project OpenSplat reads.

OpenSplat (github.com/pierotofy/OpenSplat) needs a point cloud named by `ply_file_path`, reads
images through OpenCV (which drops alpha) and has no held-out split of its own. So this writes,
into OUT: the training views only (every view whose index is not a multiple of 8, the split of
`vid2world fit`), composited over white (the background the held-out metrics use); a
transforms.json with those frames (the cameras unchanged: nerfstudio's OpenGL camera-to-world
matrices, as the renderer writes them); and points.ply, N points drawn uniformly (seeded) in
the box the cameras look at, with grey colours, as OpenSplat's starting splats.

    opensplat_data.py DATA OUT [--points N] [--seed S]
"""
import argparse
import json
import os
import random
import struct
import sys

import subprocess

import numpy as np


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("data")
    parser.add_argument("out")
    parser.add_argument("--points", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--every", type=int, default=8)
    args = parser.parse_args()

    cameras = json.load(open(os.path.join(args.data, "cameras.json")))
    frames = cameras["frames"]
    os.makedirs(os.path.join(args.out, "images"), exist_ok=True)
    kept = []
    for index, frame in enumerate(frames):
        if index % args.every == 0:
            continue  # held out
        name = os.path.join("images", os.path.basename(frame["file_path"]))
        # ffmpeg composites the RGBA image over white (no imaging package needed).
        subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-i", os.path.join(args.data, frame["file_path"]),
                        "-filter_complex", "color=white,format=rgb24[bg];[bg][0]scale2ref[bg][img];[bg][img]overlay=shortest=1,format=rgb24",
                        "-frames:v", "1", os.path.join(args.out, name)], check=True)
        kept.append({"file_path": name, "transform_matrix": frame["transform_matrix"]})

    # The box the cameras look at: around the point nearest to all optical axes, as wide as
    # half the mean camera distance to it on each side.
    centres = np.array([np.array(f["transform_matrix"])[:3, 3] for f in frames])
    axes = np.array([-np.array(f["transform_matrix"])[:3, 2] for f in frames])  # OpenGL: looks down -z
    a = sum(np.eye(3) - np.outer(d, d) for d in axes)
    b = sum((np.eye(3) - np.outer(d, d)) @ c for d, c in zip(axes, centres))
    target = np.linalg.solve(a, b)
    half = 0.5 * float(np.mean(np.linalg.norm(centres - target, axis=1)))

    rng = random.Random(args.seed)
    with open(os.path.join(args.out, "points.ply"), "wb") as f:
        f.write(("ply\nformat binary_little_endian 1.0\nelement vertex %d\n"
                 "property float x\nproperty float y\nproperty float z\n"
                 "property uchar red\nproperty uchar green\nproperty uchar blue\nend_header\n" % args.points).encode())
        for _ in range(args.points):
            p = [target[k] + rng.uniform(-half, half) for k in range(3)]
            f.write(struct.pack("<fffBBB", p[0], p[1], p[2], 128, 128, 128))

    transforms = {key: cameras[key] for key in ("camera_model", "fl_x", "fl_y", "cx", "cy", "w", "h",
                                                "k1", "k2", "k3", "p1", "p2") if key in cameras}
    transforms["frames"] = kept
    transforms["ply_file_path"] = "points.ply"
    json.dump(transforms, open(os.path.join(args.out, "transforms.json"), "w"), indent=1)
    print(f"{len(kept)} training views, {args.points} points in a box of half-size {half:.3f} around "
          f"{np.round(target, 3).tolist()}", file=sys.stderr)


if __name__ == "__main__":
    main()
