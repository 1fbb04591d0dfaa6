"""Splats fitted to generated orbits, re-rendered at held-out angles, against the true renders.

    python Tools/dit/evaluate_fit.py --model Sources/Generate/Resources/orbit-dit --data VAL_SHARDS \
        --train TRAIN_SHARDS --objects 10 --vid2world .build/release/vid2world --out fit-eval.json
For each held-out object (the first --objects of --data: 10 by default, --objects 50 for the set
evaluate.py scores):
1. the model generates the orbit as evaluate.py does (same noise, steps and guidance: the very
   views evaluate.py scores);
2. a fit folder gets the views the orbit route fits: the input image at its own camera (azimuth 0,
   its own elevation) in place of the generated view at azimuth 0 (the route's rule: the input is
   the one true view, the model only redraws it), and generated views 1..V-1 at their cameras;
   `vid2world fit` runs with the route's fit settings (OrbitRouteOptions.fitDefaults), one thread;
3. the true object (`vid2world render`, data.py's recipe and object seed) is rendered at held-out
   cameras: ring `between` at the orbit's elevation, azimuths halfway between the generated views;
   ring `above` at --above-elevation, at the generated views' azimuths. The same render also films
   the input and orbit cameras, which must reproduce the shards (else the renderer has changed);
4. scene.ply is rendered at the held-out cameras (Tools/bench/torch_splat.py's rasterizer: the
   vid2world kernels' model; checked on every fit: rendered at the fit's own views it gives the
   fit report's train PSNR to 0.05 dB) and scored like evaluate.py: PSNR and SSIM over grey,
   silhouette IoU (alpha > 0.5), sharpness ratio.
Rows at the same held-out cameras: `splats_generated` (the route), `splats_refined` (the route
with --refiner's refined views), `copy_input` (the input image at
every held-out angle), `mean_view` (the training set's mean orbit view), and `splats_true_views`
(the same fit on the true renders at the same cameras: what the fit reaches from these views when
they are right, i.e. the ceiling the model's views could give).
"""
import argparse
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import time
from types import SimpleNamespace

import numpy as np
import torch
from PIL import Image

from data import render_views
from evaluate import generate, load_model, scores
from train import Clips, load_shards, save_grid

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "bench"))
from torch_splat import read_camera, read_ply, render  # noqa: E402

# OrbitRouteOptions.fitDefaults (Sources/Pipeline/Routes/OrbitRoute.swift): keep in step.
ROUTE_FIT = ["--iterations", "1500", "--sh-degree", "1", "--sh-interval", "500", "--downscale-levels", "0",
             "--initial-splats", "3000",
             "--max-splats", "30000", "--densify-from", "200", "--densify-every", "100",
             "--opacity-reset-every", "0", "--holdout-every", "0", "--checkpoint-every", "0", "--preview-frames", "0"]


def to_uint8(x):
    """[C, H, W] in [-1, 1] → [H, W, C] uint8."""
    return ((x.clamp(-1, 1) + 1) * 127.5 + 0.5).to(torch.uint8).permute(1, 2, 0).numpy()


def to_model_range(frames):
    """uint8 [..., H, W, 4] → [..., 4, H, W] in [-1, 1]."""
    return torch.from_numpy(np.asarray(frames)).float().movedim(-1, -3) / 127.5 - 1


def write_fit_folder(folder, transforms, views):
    """views: [(index into the render's cameras.json, uint8 RGBA image)] → images/ + cameras.json
    (the render's intrinsics and poses; no depth maps, as the route's generated folder has none)."""
    os.makedirs(os.path.join(folder, "images"))
    frames = []
    for k, (camera, image) in enumerate(views):
        name = f"images/view_{k:03d}.png"
        Image.fromarray(image, "RGBA").save(os.path.join(folder, name))
        frames.append({"file_path": name, "transform_matrix": transforms["frames"][camera]["transform_matrix"]})
    root = {k: v for k, v in transforms.items() if k not in ("frames", "depth_unit_scale_factor")}
    with open(os.path.join(folder, "cameras.json"), "w") as f:
        json.dump({**root, "frames": frames}, f, indent=1)


def fit(binary, data, out, threads):
    """Runs the route's fit on `data`; returns scene.ply's path and the fit's report."""
    subprocess.run([binary, "fit", data, "--out", out, "--threads", str(threads), *ROUTE_FIT],
                   check=True, capture_output=True)
    with open(os.path.join(out, "report.json")) as f:
        return os.path.join(out, "scene.ply"), json.load(f)


def render_splats(ply, cameras_file, indices):
    """scene.ply at the cameras file's frames `indices` → [len, 4, H, W] in [-1, 1] (colour not
    premultiplied, alpha = coverage), the layout evaluate.scores takes."""
    params = [torch.from_numpy(a) for a in read_ply(ply)]
    out = []
    with torch.no_grad():
        for i in indices:
            over_white, alpha = render(*params, read_camera(cameras_file, i), with_alpha=True)
            premultiplied = over_white - (1 - alpha)[..., None]
            rgb = torch.where(alpha[..., None] > 1e-6, premultiplied / alpha[..., None].clamp_min(1e-6),
                              torch.full_like(premultiplied, 0.5)).clamp(0, 1)
            out.append(torch.cat([rgb, alpha[..., None]], -1).permute(2, 0, 1) * 2 - 1)
    return torch.stack(out)


def check_renderer(ply, folder, report):
    """The rasterizer here must be the one vid2world fitted with: scene.ply rendered at the fit's
    own views over white gives the fit report's train PSNR (mean over views) to 0.05 dB."""
    cameras_file = os.path.join(folder, "cameras.json")
    with open(cameras_file) as f:
        frames = json.load(f)["frames"]
    params = [torch.from_numpy(a) for a in read_ply(ply)]
    values = []
    with torch.no_grad():
        for i, frame in enumerate(frames):
            rgba = np.asarray(Image.open(os.path.join(folder, frame["file_path"])).convert("RGBA"), np.float32) / 255
            target = torch.from_numpy(rgba[..., :3] * rgba[..., 3:] + (1 - rgba[..., 3:]))
            mse = ((render(*params, read_camera(cameras_file, i)).clamp(0, 1) - target) ** 2).mean()
            values.append(-10 * math.log10(max(float(mse), 1e-10)))
    if abs(np.mean(values) - report["train"]["psnr"]) > 0.05:
        raise SystemExit(f"{ply}: rendered here the fit's views give {np.mean(values):.2f} dB, the fit reports "
                         f"{report['train']['psnr']:.2f} dB: torch_splat.py no longer renders as vid2world does")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    source = p.add_mutually_exclusive_group(required=True)
    source.add_argument("--checkpoint", help="checkpoint.pt written by train.py")
    source.add_argument("--model", help="folder with model.safetensors + config.json (export.py)")
    p.add_argument("--data", required=True, help="held-out shards (data.py, another seed than training)")
    p.add_argument("--train", required=True, help="training shards, for the mean-view baseline")
    p.add_argument("--objects", type=int, default=10, help="held-out objects (50: evaluate.py's set)")
    p.add_argument("--vid2world", required=True, help="a release build of vid2world (render and fit)")
    p.add_argument("--above-elevation", type=float, default=35.0, help="degrees, the `above` ring")
    p.add_argument("--no-oracle", action="store_true", help="skip the fit on the true views (half the fits)")
    p.add_argument("--steps", type=int)
    p.add_argument("--guidance", type=float)
    p.add_argument("--refiner", help="orbit refiner (refiner.py): also fit the refined views (row splats_refined)")
    p.add_argument("--seed", type=int, default=0, help="sampler noise (as evaluate.py)")
    p.add_argument("--threads", type=int, default=1, help="PyTorch threads and the fit's")
    p.add_argument("--keep", help="keep each object's fit folders and scenes here")
    p.add_argument("--out", help="also write the results here (JSON)")
    p.add_argument("--grid", help="PNG: rows input | true `between` views | splats fitted to generated views, four objects")
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    model, step = load_model(args)
    model.eval()
    config = model.config
    shards = load_shards(args.data)
    with open(os.path.join(args.data, "data.json")) as f:
        rig = json.load(f)
    clips = Clips(shards, config)
    n = min(args.objects, len(clips))
    steps = args.steps or config.steps
    guidance = config.guidance if args.guidance is None else args.guidance
    clock = time.time()
    truth, image, _, generated = generate(model, clips, 0, n, steps, guidance, args.seed)
    if args.refiner:
        import refiner
        with torch.no_grad():
            refined = refiner.load(args.refiner)(generated, image, clips.batch(torch.arange(n))[2])
    generate_s = time.time() - clock
    mean_view = Clips(load_shards(args.train), config).targets.float().mean((0, 1)) / 127.5 - 1

    views = config.views
    between = [(k + 0.5) * 360.0 / views for k in range(views)]
    above = [k * 360.0 / views for k in range(views)]
    render_args = SimpleNamespace(resolution=rig["resolution"], supersample=rig["supersample"],
                                  radius=rig["radius"], fov=rig["fov"])
    rows = {"splats_generated": [], "copy_input": [], "mean_view": [], "truth": []}
    if not args.no_oracle:
        rows["splats_true_views"] = []
    if args.refiner:
        rows["splats_refined"] = []
    fit_psnr, fit_s = {"generated": [], "refined": [], "true_views": []}, 0.0
    for i in range(n):
        az0, el0 = float(shards["input_azimuth"][i]), float(shards["input_elevation"][i])
        orbit = [(az0 + float(a), el0 + float(e))
                 for a, e in zip(shards["relative_azimuth"][i], shards["relative_elevation"][i])]
        held = [(az0 + a, rig["target_elevation"]) for a in between] + [(az0 + a, args.above_elevation) for a in above]
        work = tempfile.mkdtemp(prefix="dit-fit-eval-")
        try:
            frames, transforms = render_views(args.vid2world, int(shards["object_seed"][i]),
                                              [(az0, el0)] + orbit + held, render_args,
                                              keep=os.path.join(work, "truth"))
            redo = np.stack(frames[:1 + views]).astype(int)
            shard = np.concatenate([shards["inputs"][i][None], shards["targets"][i]]).astype(int)
            if np.abs(redo - shard).max() > 3:
                raise SystemExit(f"object {i}: the renderer no longer reproduces the shards "
                                 f"(max difference {np.abs(redo - shard).max()} / 255); use the binary that wrote them")
            held_index = list(range(1 + views, 1 + views + len(held)))
            held_truth = to_model_range(np.stack(frames[1 + views:]))
            # The route's fit set: the input at its camera (0), generated views 1..V-1 at theirs.
            sets = {"generated": [(0, shards["inputs"][i])] +
                                 [(1 + k, to_uint8(generated[i, k])) for k in range(1, views)]}
            if args.refiner:
                sets["refined"] = [(0, shards["inputs"][i])] + [(1 + k, to_uint8(refined[i, k])) for k in range(1, views)]
            if not args.no_oracle:
                sets["true_views"] = [(0, shards["inputs"][i])] + [(1 + k, shards["targets"][i][k]) for k in range(1, views)]
            cameras_file = os.path.join(work, "truth", "cameras.json")
            for name, fit_views in sets.items():
                folder = os.path.join(work, f"fit-{name}")
                write_fit_folder(folder, transforms, fit_views)
                clock = time.time()
                ply, report = fit(args.vid2world, folder, os.path.join(work, f"scene-{name}"), args.threads)
                fit_s += time.time() - clock
                check_renderer(ply, folder, report)
                fit_psnr[name].append(report["train"]["psnr"])
                rows[f"splats_{name}"].append(render_splats(ply, cameras_file, held_index))
            rows["copy_input"].append(image[i][None].expand_as(held_truth))
            rows["mean_view"].append(mean_view[None].expand_as(held_truth))
            rows["truth"].append(held_truth)
            if args.keep:
                shutil.copytree(work, os.path.join(args.keep, f"object_{i:03d}"), dirs_exist_ok=True)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        print(f"object {i}: fitted", file=sys.stderr, flush=True)

    truth_all = torch.stack(rows.pop("truth"))                 # [n, 2V, 4, H, W]
    if args.grid:
        k = min(4, n)
        save_grid(args.grid, image[:k], truth_all[:k, :views], torch.stack(rows["splats_generated"][:k])[:, :views])
    rings = {"between": slice(0, views), "above": slice(views, 2 * views), "all": slice(0, 2 * views)}
    results = {"checkpoint_step": step, "model": args.model or args.checkpoint, "refiner": args.refiner, "data": args.data,
               "objects": n, "steps": steps, "guidance": guidance,
               "noise_scale": config.noise_scale, "readout_t": config.readout_t, "samples": config.samples, "seed": args.seed,
               "held_out_cameras": {"between": {"elevation": rig["target_elevation"], "relative_azimuths": between},
                                    "above": {"elevation": args.above_elevation, "relative_azimuths": above}},
               "fit_settings": ROUTE_FIT, "fit_train_psnr": {k: float(np.mean(v)) for k, v in fit_psnr.items() if v},
               "seconds": {"generate": generate_s, "fits": fit_s}}
    for ring, where in rings.items():
        results[ring] = {name: scores(torch.stack(x)[:, where], truth_all[:, where]) for name, x in rows.items()}
        for row in results[ring].values():
            row.pop("turned", None)  # no view here sits at the input's camera
    text = json.dumps(results, indent=2)
    print(text)
    if args.out:
        with open(args.out + ".tmp", "w") as f:
            f.write(text + "\n")
        os.replace(args.out + ".tmp", args.out)


if __name__ == "__main__":
    main()
