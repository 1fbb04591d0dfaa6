"""Sampler settings compared on held-out objects, one model, the same noise for every setting.

    python Tools/dit/sweep_sampler.py --model Sources/Generate/Resources/orbit-dit --data /work/dit-data/val \
        --offset 50 --objects 50 --threads 1 --out sweep.json  25,2,1,0  25,2,0.8,0  12,2,1,0.3
Each setting is steps,guidance,noise_scale,readout_t[,samples] (see DiT.sample; samples: clips averaged, default 1). Tune on objects the reported
figures do not use (--offset 50: objects 50–63 of the 64-object seed-2 set; evaluate.py reports 0–49).
Prints PSNR / SSIM / IoU / sharpness over all views and the turned views (1..V-1) per setting,
beside the copy baseline, and the process CPU seconds each setting took. --grid writes a PNG of the
first --grid-objects objects: for each object one row per setting, input | true views | generated.
"""
import argparse
import json
import os
import time

import torch

from evaluate import generate, load_model, scores
from train import Clips, load_shards, save_grid

KEYS = ("psnr", "ssim", "iou", "sharpness_ratio")


def row(name, s, extra=""):
    a = " / ".join(f"{s[k]:.3f}" for k in KEYS)
    t = " / ".join(f"{s['turned'][k]:.3f}" for k in KEYS)
    return f"{name:<22} all {a} | turned {t}{extra}"


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    source = p.add_mutually_exclusive_group(required=True)
    source.add_argument("--checkpoint")
    source.add_argument("--model")
    p.add_argument("--data", required=True)
    p.add_argument("--objects", type=int, default=50)
    p.add_argument("--offset", type=int, default=50)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--out", help="append one JSON line per setting here")
    p.add_argument("--grid", help="PNG: per object, one row per setting (input | true views | generated)")
    p.add_argument("--grid-objects", type=int, default=4)
    p.add_argument("settings", nargs="+", help="steps,guidance,noise_scale,readout_t[,samples]")
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    model, step = load_model(args)
    model.eval()
    clips = Clips(load_shards(args.data), model.config)
    n = min(args.objects, len(clips) - args.offset)
    truth, image, _ = clips.batch(torch.arange(args.offset, args.offset + n))
    print(row("copy input", scores(image[:, None].expand_as(truth), truth)), flush=True)
    shown = []
    for setting in args.settings:
        fields = setting.split(",")
        steps, guidance, noise_scale, readout_t = int(fields[0]), float(fields[1]), float(fields[2]), float(fields[3])
        samples = int(fields[4]) if len(fields) > 4 else 1
        start = time.process_time()
        truth, image, _, generated = generate(model, clips, args.offset, n, steps, guidance, args.seed,
                                              noise_scale, readout_t, samples)
        cpu = time.process_time() - start
        s = scores(generated, truth)
        shown.append(generated[:args.grid_objects])
        print(row(setting, s, f" | {cpu:.0f} CPU-s"), flush=True)
        if args.out:
            with open(args.out, "a") as f:
                f.write(json.dumps({"model": args.model or args.checkpoint, "step": step, "offset": args.offset,
                                    "objects": n, "seed": args.seed, "steps": steps, "guidance": guidance,
                                    "noise_scale": noise_scale, "readout_t": readout_t, "samples": samples,
                                    "cpu_s": round(cpu, 1),
                                    "generated": s}) + "\n")
    if args.grid:
        k = min(args.grid_objects, n)
        order = [(i, j) for i in range(k) for j in range(len(shown))]
        save_grid(args.grid, torch.stack([image[i] for i, _ in order]), torch.stack([truth[i] for i, _ in order]),
                  torch.stack([shown[j][i] for i, j in order]))


if __name__ == "__main__":
    main()
