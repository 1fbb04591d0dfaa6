"""Training shards for the DiT: procedural objects rendered by `vid2world render`.

    python Tools/dit/data.py --out data/dit/train --objects 2000 --seed 1
Each object (render seed = --seed × 1 000 000 + index) is filmed by one input camera at a random
azimuth and elevation, and by `--views` target cameras on an orbit at `--target-elevation`, their
azimuths relative to the input's: k · 360 / views (+ a random offset up to --azimuth-jitter degrees).
Shards (`shard_00000.npz`) hold, for n objects: `inputs` [n, H, W, 4] and `targets` [n, V, H, W, 4]
as uint8 RGBA (transparent background), `relative_azimuth` and `relative_elevation` [n, V] in
degrees, `input_azimuth`, `input_elevation` and `object_seed` [n]. Same seed, same shards.
"""
import argparse
import concurrent.futures as futures
import json
import math
import os
import shutil
import subprocess
import tempfile

import numpy as np
from PIL import Image

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))

RECIPE = """description: DiT training view set (written by Tools/dit/data.py)
background: transparent
lighting:
  ambient: 0.4
  directional:
    - {{direction: [0.4, -1, -0.6], color: 0.6}}
    - {{direction: [-0.8, -0.2, 0.3], color: 0.2}}
objects:
  - procedural: {{parts: [2, 6]}}
camera:
  explicit:
    width: {size}
    height: {size}
    cameras:
{cameras}
render:
  supersample: {supersample}
  fps: 12
"""


def camera_position(azimuth_deg, elevation_deg, radius):
    """Same convention as Geometry's OrbitPath: azimuth 0 on +z, 90° on +x, elevation toward +y."""
    az, el = math.radians(azimuth_deg), math.radians(elevation_deg)
    return [radius * math.cos(el) * math.sin(az), radius * math.sin(el), radius * math.cos(el) * math.cos(az)]


def view_set(rng, args):
    input_az = rng.uniform(0, 360)
    input_el = rng.uniform(args.input_elevation[0], args.input_elevation[1])
    offset = rng.uniform(0, args.azimuth_jitter) if args.azimuth_jitter > 0 else 0.0
    relative = np.array([offset + k * 360.0 / args.views for k in range(args.views)])
    return input_az, input_el, relative


def render_views(binary, object_seed, views, args, keep=None):
    """Object `object_seed` filmed by cameras at (azimuth, elevation) degrees, looking at the origin:
    the frames as uint8 RGBA [H, W, 4] and the render's cameras.json (nerfstudio). With `keep`, the
    render folder (images/, depth/, cameras.json) is left there instead of being deleted."""
    cameras = "\n".join(
        f"      - {{position: {json.dumps([round(x, 6) for x in camera_position(az, el, args.radius)])}, "
        f"lookAt: [0, 0, 0], fov: {args.fov}}}" for az, el in views)
    work = tempfile.mkdtemp(prefix="dit-data-")
    try:
        recipe = os.path.join(work, "recipe.yaml")
        with open(recipe, "w") as f:
            f.write(RECIPE.format(size=args.resolution, cameras=cameras, supersample=args.supersample))
        out = keep or os.path.join(work, "render")
        subprocess.run([binary, "render", recipe, "--out", out, "--seed", str(object_seed)],
                       check=True, capture_output=True)
        frames = []
        for i in range(len(views)):
            with Image.open(os.path.join(out, "images", f"frame_{i:05d}.png")) as im:
                frames.append(np.asarray(im.convert("RGBA"), dtype=np.uint8))
        with open(os.path.join(out, "cameras.json")) as f:
            transforms = json.load(f)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return frames, transforms


def render_object(binary, index, args):
    object_seed = args.seed * 1_000_000 + index
    rng = np.random.default_rng([args.seed, index])
    input_az, input_el, relative = view_set(rng, args)
    views = [(input_az, input_el)] + [(input_az + r, args.target_elevation) for r in relative]
    frames, _ = render_views(binary, object_seed, views, args)
    return dict(inputs=frames[0], targets=np.stack(frames[1:]), relative_azimuth=relative,
                relative_elevation=np.full(args.views, args.target_elevation - input_el),
                input_azimuth=input_az, input_elevation=input_el, object_seed=object_seed)


def write_shard(path, items):
    arrays = {k: np.stack([it[k] for it in items]) for k in items[0]}
    arrays["relative_azimuth"] = arrays["relative_azimuth"].astype(np.float32)
    arrays["relative_elevation"] = arrays["relative_elevation"].astype(np.float32)
    tmp = path + ".tmp.npz"
    np.savez_compressed(tmp, **arrays)
    os.replace(tmp, path)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--out", required=True)
    p.add_argument("--objects", type=int, default=1000)
    p.add_argument("--seed", type=int, default=1, help="data seed (use another one for held-out objects)")
    p.add_argument("--views", type=int, default=8)
    p.add_argument("--resolution", type=int, default=32)
    p.add_argument("--supersample", type=int, default=2)
    p.add_argument("--radius", type=float, default=3.2)
    p.add_argument("--fov", type=float, default=40)
    p.add_argument("--target-elevation", type=float, default=20)
    p.add_argument("--input-elevation", type=float, nargs=2, default=[0, 40], metavar=("MIN", "MAX"))
    p.add_argument("--azimuth-jitter", type=float, default=0, help="degrees; 0 keeps target 0 at the input azimuth")
    p.add_argument("--shard-size", type=int, default=250)
    p.add_argument("--workers", type=int, default=2)
    p.add_argument("--vid2world", default=os.path.join(ROOT, ".build-gen", "release", "vid2world"))
    args = p.parse_args()

    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "data.json"), "w") as f:
        json.dump({k: v for k, v in vars(args).items() if k not in ("out", "workers", "vid2world")}, f, indent=2)
    shards = math.ceil(args.objects / args.shard_size)
    with futures.ThreadPoolExecutor(args.workers) as pool:
        for s in range(shards):
            path = os.path.join(args.out, f"shard_{s:05d}.npz")
            if os.path.exists(path):
                continue  # resumable: finished shards are kept
            indices = range(s * args.shard_size, min(args.objects, (s + 1) * args.shard_size))
            items = list(pool.map(lambda i: render_object(args.vid2world, i, args), indices))
            write_shard(path, items)
            print(f"{path}: {len(items)} objects", flush=True)


if __name__ == "__main__":
    main()
