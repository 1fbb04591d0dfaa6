"""Trains the orbit refiner (refiner.py) on pairs from refine_pairs.py.

    python Tools/dit/train_refiner.py --pairs /work/dit-data/refine-train --val /work/dit-data/refine-val \
        --val-first 50 --run /work/dit-runs/refiner-a --minutes 30
Loss per view, in the metrics' space: the colour composited over grey (what PSNR scores) and the
alpha (the silhouette, weighted --alpha-weight), L2 or L1 (--loss). --flip mirrors half the
clips left-right (view, input and the sign of sin Δaz together: the same scene seen mirrored).
Every --eval-every steps the EMA refiner is scored on the validation pairs from --val-first on
(PSNR, SSIM, IoU, sharpness ratio, before → after); the run folder gets checkpoint.pt, log.csv,
the best validation PSNR's export (best/) whose IoU is not below the unrefined one and whose
sharpness ratio is at least --min-sharpness, and the last export (last/).
"""
import argparse
import copy
import csv
import glob
import json
import math
import os
import time

import numpy as np
import torch

import refiner as R
from evaluate import composite, scores


def load_pairs(folder, first=0, last=None):
    paths = sorted(glob.glob(os.path.join(folder, "pairs_*.npz")))
    if not paths:
        raise SystemExit(f"{folder}: no pairs_*.npz (run refine_pairs.py first)")
    parts = [dict(np.load(p)) for p in paths]
    data = {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}
    keep = (data["index"] >= first) & (data["index"] < (last if last is not None else 1 << 30))
    t = lambda k: torch.from_numpy(data[k][keep].astype(np.float32))
    return t("generated"), t("inputs"), t("targets"), t("cameras")


def loss_fn(pred, truth, kind, alpha_weight):
    p_rgb, p_a = composite(pred)
    t_rgb, t_a = composite(truth)
    err = (lambda d: d * d) if kind == "l2" else torch.abs
    return err(p_rgb - t_rgb).mean() + alpha_weight * err(p_a - t_a).mean()


def mirror(gen, img, truth, cams):
    cams = cams.clone()
    cams[..., 0] = -cams[..., 0]
    return gen.flip(-1), img.flip(-1), truth.flip(-1), cams


@torch.no_grad()
def evaluate(model, val):
    gen, img, truth, cams = val
    out = torch.cat([model(gen[i:i + 16], img[i:i + 16], cams[i:i + 16]) for i in range(0, len(gen), 16)])
    return scores(out, truth)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--pairs", required=True)
    p.add_argument("--val", required=True)
    p.add_argument("--val-first", type=int, default=50, help="validation objects from this index on (0..first-1 are the report set)")
    p.add_argument("--run", required=True)
    p.add_argument("--width", type=int, default=32)
    p.add_argument("--layers", type=int, default=6)
    p.add_argument("--dilations", help="comma-separated dilation per layer (default all 1)")
    p.add_argument("--loss", choices=("l1", "l2"), default="l2")
    p.add_argument("--alpha-weight", type=float, default=1.0)
    p.add_argument("--flip", action="store_true")
    p.add_argument("--batch", type=int, default=8, help="clips per step (× views)")
    p.add_argument("--lr", type=float, default=1e-3)
    p.add_argument("--lr-end", type=float, default=2e-5)
    p.add_argument("--steps", type=int, default=4000, help="length of the cosine schedule")
    p.add_argument("--minutes", type=float, default=30)
    p.add_argument("--ema", type=float, default=0.999)
    p.add_argument("--eval-every", type=int, default=250)
    p.add_argument("--min-sharpness", type=float, default=0.7)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=1)
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    os.makedirs(args.run, exist_ok=True)
    with open(os.path.join(args.run, "args.json"), "w") as f:
        json.dump(vars(args), f, indent=2)
    train = load_pairs(args.pairs)
    val = load_pairs(args.val, first=args.val_first)
    config = R.RefinerConfig(channels=train[0].shape[2], width=args.width, layers=args.layers,
                             resolution=train[0].shape[-1],
                             dilations=[int(d) for d in args.dilations.split(",")] if args.dilations else None)
    model = R.Refiner(config)
    ema = copy.deepcopy(model)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.0)
    gen = torch.Generator().manual_seed(args.seed)
    n = len(train[0])
    base = scores(val[0], val[2])
    print(f"{n} training clips, {len(val[0])} validation clips, {sum(t.numel() for t in model.parameters())} parameters; "
          f"validation before: PSNR {base['psnr']:.3f} IoU {base['iou']:.4f} sharp {base['sharpness_ratio']:.3f}", flush=True)
    log = open(os.path.join(args.run, "log.csv"), "w", newline="")
    writer = csv.writer(log)
    writer.writerow(["step", "cpu_s", "train_loss", "val_psnr", "val_ssim", "val_iou", "val_sharpness"])
    began, step, running, best = time.process_time(), 0, [], None
    while step < args.steps and time.process_time() - began < args.minutes * 60:
        lr = args.lr_end + (args.lr - args.lr_end) * 0.5 * (1 + math.cos(math.pi * step / args.steps))
        lr *= min(1.0, (step + 1) / 100)
        for group in opt.param_groups:
            group["lr"] = lr
        idx = torch.randint(n, (args.batch,), generator=gen)
        g, img, truth, cams = (t[idx] for t in train)
        if args.flip and torch.rand((), generator=gen) < 0.5:
            g, img, truth, cams = mirror(g, img, truth, cams)
        loss = loss_fn(model(g, img, cams), truth, args.loss, args.alpha_weight)
        opt.zero_grad()
        loss.backward()
        opt.step()
        with torch.no_grad():
            decay = min(args.ema, (step + 1) / (step + 10))
            for e, m in zip(ema.parameters(), model.parameters()):
                e.mul_(decay).add_(m, alpha=1 - decay)
        running.append(loss.item())
        step += 1
        if step % args.eval_every == 0 or step == args.steps:
            s = evaluate(ema, val)
            writer.writerow([step, round(time.process_time() - began, 1), round(float(np.mean(running)), 6),
                             round(s["psnr"], 4), round(s["ssim"], 4), round(s["iou"], 4), round(s["sharpness_ratio"], 4)])
            log.flush()
            print(f"step {step} cpu {time.process_time() - began:.0f}s loss {np.mean(running):.5f} "
                  f"val PSNR {s['psnr']:.3f} IoU {s['iou']:.4f} sharp {s['sharpness_ratio']:.3f} SSIM {s['ssim']:.4f}", flush=True)
            running = []
            R.save(ema, os.path.join(args.run, "last"))
            ok = s["iou"] >= base["iou"] and s["sharpness_ratio"] >= args.min_sharpness
            if ok and (best is None or s["psnr"] > best):
                best = s["psnr"]
                R.save(ema, os.path.join(args.run, "best"))
    R.save(ema, os.path.join(args.run, "last"))
    torch.save({"config": vars(config), "model": model.state_dict(), "ema": ema.state_dict(), "step": step,
                "cpu_s": time.process_time() - began}, os.path.join(args.run, "checkpoint.pt"))
    print(f"done: {step} steps, {time.process_time() - began:.0f} CPU-s, best validation PSNR {best}")


if __name__ == "__main__":
    main()
