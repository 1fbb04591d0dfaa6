"""Trains the DiT on shards from data.py; resumes from the run folder's last checkpoint.

    python Tools/dit/train.py --config Tools/dit/configs/tiny.json --data data/dit/train \
        --val data/dit/val --run runs/tiny --minutes 25
Writes into --run: checkpoint.pt (model, EMA, optimiser, step, RNG state, compute time so far),
loss.csv (step, seconds, training loss averaged over the log interval, validation loss of the EMA
model on fixed noise and times), samples/step_NNNNNN.png (rows: input | true views | generated
views, transparent background shown over grey). Run it again with the same --run to go on.
"""
import argparse
import csv
import glob
import json
import math
import os
import time

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image

from model import MIN_T, DiT, DiTConfig, camera_features


def load_shards(folder):
    paths = sorted(glob.glob(os.path.join(folder, "shard_*.npz")))
    if not paths:
        raise SystemExit(f"{folder}: no shard_*.npz files (run data.py first)")
    parts = [dict(np.load(p)) for p in paths]
    return merge_shards(parts)


def merge_shards(parts):
    """Shards (or whole data folders, e.g. two data seeds) as one set of arrays."""
    return {k: np.concatenate([p[k] for p in parts]) for k in parts[0]}


class Clips:
    """The shards as tensors the model takes: images in [-1, 1], [n, (V,) C, H, W]."""

    def __init__(self, data, config):
        c = config.channels
        self.inputs = torch.from_numpy(data["inputs"][..., :c]).permute(0, 3, 1, 2).contiguous()       # uint8
        self.targets = torch.from_numpy(data["targets"][..., :c]).permute(0, 1, 4, 2, 3).contiguous()
        self.cameras = torch.from_numpy(camera_features(data["relative_azimuth"], data["relative_elevation"]))
        self.azimuth = torch.from_numpy(data["relative_azimuth"].astype(np.float64))
        if self.targets.shape[1] != config.views or self.inputs.shape[-1] != config.resolution:
            raise SystemExit(f"shards hold {self.targets.shape[1]} views at {self.inputs.shape[-1]} px; "
                             f"the config wants {config.views} at {config.resolution}")

    def __len__(self):
        return self.inputs.shape[0]

    def batch(self, index):
        to_float = lambda x: x.float() / 127.5 - 1
        return to_float(self.targets[index]), to_float(self.inputs[index]), self.cameras[index]

    def orbit_input_batch(self, index, generator):
        """Augmentation: one of the orbit's own views as the input image (nine input/orbit pairs per
        object instead of one). With view k as input the orbit is rolled so that view j' is the old
        view k + j'; its relative azimuths are the old ones minus view k's, relative elevation 0."""
        n, views = len(index), self.targets.shape[1]
        k = torch.randint(views, (n,), generator=generator)
        order = (k[:, None] + torch.arange(views)[None]) % views                     # [n, V]
        targets = self.targets[index]
        rolled = torch.stack([targets[i, order[i]] for i in range(n)])
        image = targets[torch.arange(n), k]
        az = self.azimuth[index]
        rel = torch.stack([az[i, order[i]] - az[i, k[i]] for i in range(n)])
        cams = torch.from_numpy(camera_features(rel.numpy(), np.zeros(rel.shape)))
        to_float = lambda x: x.float() / 127.5 - 1
        return to_float(rolled), to_float(image), cams


def mirror_batch(x0, image, cams, flip):
    """Augmentation: the mirror image of a clip is another valid clip. Reflecting the world in the
    vertical plane through the input camera flips every image left-right and sends a view at
    relative azimuth a to -a; the views are reordered so that index j again holds azimuth j · 360 / V
    (the model's view-position embedding stays tied to the azimuth). Relative elevations are kept.
    `flip` [n] bool picks the clips to mirror."""
    views = x0.shape[1]
    order = (views - torch.arange(views)) % views              # view j ← old view at -j · 360 / V
    mirrored_cams = cams[:, order].clone()
    mirrored_cams[..., 0] = -mirrored_cams[..., 0]             # sin Δaz changes sign, cos Δaz does not
    x0, image, cams = x0.clone(), image.clone(), cams.clone()
    x0[flip] = x0[flip][:, order].flip(-1)
    image[flip] = image[flip].flip(-1)
    cams[flip] = mirrored_cams[flip]
    return x0, image, cams


def check_rig(folder, config):
    """The config's camera rig must be the one the shards were rendered with (data.json)."""
    path = os.path.join(folder, "data.json")
    if not os.path.exists(path):
        return
    with open(path) as f:
        data = json.load(f)
    for key, field in (("radius", "camera_radius"), ("fov", "camera_fov"), ("target_elevation", "orbit_elevation")):
        if key in data and abs(data[key] - getattr(config, field)) > 1e-9:
            raise SystemExit(f"{path}: {key} {data[key]} differs from the config's {field} {getattr(config, field)}")


HIGH_T = 0.8  # where --high-t's uniform draws start


def sample_times(n, generator, high=0.0):
    """Logit-normal times (SD3's choice): more weight on the middle of the path than uniform. With
    probability `high` a time is drawn uniformly from [HIGH_T, 1] instead: the logit-normal almost
    never reaches the noisy end (t > 0.97 in 0.03 % of draws), where the sampler's first steps set
    each view's layout from the input alone."""
    t = torch.sigmoid(torch.randn(n, generator=generator))
    if high > 0:
        noisy = HIGH_T + (1 - HIGH_T) * torch.rand(n, generator=generator)
        t = torch.where(torch.rand(n, generator=generator) < high, noisy, t)
    return t


def flow_loss(model, x0, image, cams, t, noise, drop, max_weight=None, alpha_weight=1.0):
    """Mean squared velocity error. For x0 prediction that is |x0 - x0_hat|² / t² (t ≥ MIN_T);
    max_weight caps 1/t² so that the nearly clean end (easy denoising) does not dominate the
    gradient. alpha_weight scales the alpha channel's error (the silhouette)."""
    x_t = (1 - t)[:, None, None, None, None] * x0 + t[:, None, None, None, None] * noise
    if max_weight is None and alpha_weight == 1.0:
        return F.mse_loss(model.velocity(x_t, t, image, cams, drop), noise - x0)
    if model.config.prediction == "x0":
        weight = (1 / t.clamp_min(MIN_T) ** 2).clamp_max(max_weight or float("inf"))
        err = (model(x_t, t, image, cams, drop) - x0) ** 2 * weight[:, None, None, None, None]
    else:
        err = (model.velocity(x_t, t, image, cams, drop) - (noise - x0)) ** 2
    if alpha_weight != 1.0 and x0.shape[2] == 4:
        channel = torch.ones(4)
        channel[3] = alpha_weight
        err = err * (channel / channel.mean())[None, None, :, None, None]
    return err.mean()


def learning_rate(step, args):
    """Linear warm-up over --warmup steps (from step --warmup-from) to --lr, then --lr; with --decay-to, a cosine from --lr at
    step --decay-from down to --lr-end at step --decay-to, --lr-end after (warm-up, stable, decay: the
    decay is added by the invocation that knows how many steps are left; steps are absolute, so a
    resumed invocation with the same flags goes on along the same curve)."""
    lr = args.lr * min(1.0, max(1, step + 1 - args.warmup_from) / args.warmup)  # never negative before --warmup-from
    if args.decay_to is None or step < args.decay_from:
        return lr
    done = min(1.0, (step - args.decay_from) / max(1, args.decay_to - args.decay_from))
    return args.lr_end + (args.lr - args.lr_end) * 0.5 * (1 + math.cos(math.pi * done))


def save_grid(path, image, truth, generated):
    """Rows of [input | true views | generated views], RGBA over grey, 8-bit PNG."""
    def rgb(x):  # [C, H, W] in [-1, 1] → [H, W, 3] in [0, 1]
        x = ((x.clamp(-1, 1) + 1) / 2).permute(1, 2, 0).numpy()
        if x.shape[2] == 4:
            x = x[..., :3] * x[..., 3:] + 0.5 * (1 - x[..., 3:])
        return x
    rows = []
    for i in range(image.shape[0]):
        gap = np.ones((image.shape[-2], 2, 3))
        row = [rgb(image[i]), gap] + [rgb(v) for v in truth[i]] + [gap] + [rgb(v) for v in generated[i]]
        rows.append(np.concatenate(row, axis=1))
    grid = (np.concatenate(rows, axis=0) * 255 + 0.5).astype(np.uint8)
    Image.fromarray(grid).save(path + ".tmp.png")
    os.replace(path + ".tmp.png", path)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--config", required=True)
    p.add_argument("--data", required=True, nargs="+", help="training shard folders (several data seeds are merged)")
    p.add_argument("--val", required=True, help="held-out shards (another data seed)")
    p.add_argument("--run", required=True)
    p.add_argument("--minutes", type=float, default=25, help="wall-clock budget of this invocation")
    p.add_argument("--max-steps", type=int, default=10**9)
    p.add_argument("--batch", type=int, default=16)
    p.add_argument("--lr", type=float, default=3e-4)
    p.add_argument("--warmup", type=int, default=200)
    p.add_argument("--warmup-from", type=int, default=0,
                   help="step where the linear warm-up starts (a resumed run that ended on a decay re-raises the rate)")
    p.add_argument("--decay-from", type=int, default=0, help="step where the cosine decay of the learning rate starts")
    p.add_argument("--decay-to", type=int, help="step where it reaches --lr-end (default: no decay)")
    p.add_argument("--lr-end", type=float, default=0.0)
    p.add_argument("--ema", type=float, default=0.999)
    p.add_argument("--reset-ema", action="store_true", help="on resume, restart the EMA from the current weights")
    p.add_argument("--drop-input", type=float, default=0.1, help="probability of the null input token (CFG)")
    p.add_argument("--log-every", type=int, default=25)
    p.add_argument("--sample-every", type=int, default=500)
    p.add_argument("--checkpoint-every", type=float, default=5, help="minutes")
    p.add_argument("--max-weight", type=float, help="x0 prediction: cap on the loss weight 1/t² (default none)")
    p.add_argument("--alpha-weight", type=float, default=1.0, help="weight of the alpha channel's error")
    p.add_argument("--orbit-input", type=float, default=0.0,
                   help="probability that a clip takes one of its orbit views as the input image")
    p.add_argument("--high-t", type=float, default=0.0,
                   help="fraction of training times drawn uniformly from [0.8, 1] instead of logit-normal")
    p.add_argument("--mirror", type=float, default=0.0,
                   help="probability that a clip is mirrored left-right (views reordered, azimuths negated)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=2)
    args = p.parse_args()

    torch.set_num_threads(args.threads)
    config = DiTConfig.load(args.config)
    for folder in args.data:
        check_rig(folder, config)
    train = Clips(merge_shards([load_shards(folder) for folder in args.data]), config)
    val = Clips(load_shards(args.val), config)
    os.makedirs(os.path.join(args.run, "samples"), exist_ok=True)

    torch.manual_seed(args.seed)
    model = DiT(config)
    ema = DiT(config)
    ema.load_state_dict(model.state_dict())
    ema.requires_grad_(False)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.0)
    generator = torch.Generator().manual_seed(args.seed)
    step, compute_s = 0, 0.0
    ckpt_path = os.path.join(args.run, "checkpoint.pt")
    if os.path.exists(ckpt_path):
        state = torch.load(ckpt_path, map_location="cpu", weights_only=False)
        if DiTConfig(**state["config"]) != config:
            raise SystemExit(f"{ckpt_path}: trained with another config; use a new --run folder")
        model.load_state_dict(state["model"])
        ema.load_state_dict(state["ema"])
        opt.load_state_dict(state["opt"])
        generator.set_state(state["generator"])
        step, compute_s = state["step"], state["compute_s"]
        if args.reset_ema:
            ema.load_state_dict(model.state_dict())
        print(f"resumed {ckpt_path} at step {step} ({compute_s / 60:.1f} min so far)", flush=True)
    with open(os.path.join(args.run, "args.json"), "w") as f:
        json.dump({**vars(args), "config_values": config.__dict__, "train_clips": len(train)}, f, indent=2)

    # Fixed validation set: the same clips, noise and times at every evaluation.
    vgen = torch.Generator().manual_seed(12345)
    vn = min(64, len(val))
    vx0, vimg, vcam = val.batch(torch.arange(vn))
    vnoise, vt = torch.randn(vx0.shape, generator=vgen), torch.rand(vn, generator=vgen)

    def checkpoint():
        state = dict(model=model.state_dict(), ema=ema.state_dict(), opt=opt.state_dict(), step=step,
                     config=config.__dict__, generator=generator.get_state(), compute_s=compute_s)
        torch.save(state, ckpt_path + ".tmp")
        os.replace(ckpt_path + ".tmp", ckpt_path)

    def evaluate():
        ema.eval()
        with torch.no_grad():
            vloss = flow_loss(ema, vx0, vimg, vcam, vt, vnoise, None).item()
            k = min(4, vn)
            gen = ema.sample(vnoise[:k], vimg[:k], vcam[:k], steps=config.steps, guidance=config.guidance)
        save_grid(os.path.join(args.run, "samples", f"step_{step:06d}.png"), vimg[:k], vx0[:k], gen)
        return vloss

    log_path = os.path.join(args.run, "loss.csv")
    new_log = not os.path.exists(log_path)
    log = open(log_path, "a", newline="")
    writer = csv.writer(log)
    if new_log:
        writer.writerow(["step", "compute_s", "train_loss", "val_loss"])
    start = time.time()
    last_ckpt = start
    running, count = 0.0, 0
    model.train()
    while step < args.max_steps and time.time() - start < args.minutes * 60:
        t0 = time.time()
        index = torch.randint(len(train), (args.batch,), generator=generator)
        x0, image, cams = train.batch(index)
        if args.orbit_input > 0:
            swap = torch.rand(args.batch, generator=generator) < args.orbit_input
            if swap.any():
                sx0, simg, scams = train.orbit_input_batch(index[swap], generator)
                x0[swap], image[swap], cams[swap] = sx0, simg, scams
        if args.mirror > 0:
            flip = torch.rand(args.batch, generator=generator) < args.mirror
            x0, image, cams = mirror_batch(x0, image, cams, flip)
        t = sample_times(args.batch, generator, args.high_t)
        noise = torch.randn(x0.shape, generator=generator)
        drop = torch.rand(args.batch, generator=generator) < args.drop_input
        for group in opt.param_groups:
            group["lr"] = learning_rate(step, args)
        loss = flow_loss(model, x0, image, cams, t, noise, drop, args.max_weight, args.alpha_weight)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        # EMA with warm-up: the average does not drag the random initialisation along for
        # thousands of steps (decay (1 + n) / (10 + n) until it reaches --ema).
        decay = min(args.ema, (1 + step) / (10 + step))
        with torch.no_grad():
            for pe, pm in zip(ema.parameters(), model.parameters()):
                pe.lerp_(pm, 1 - decay)
        step += 1
        compute_s += time.time() - t0
        running, count = running + loss.item(), count + 1
        val_loss = ""
        if step % args.sample_every == 0:
            val_loss = f"{evaluate():.5f}"
        if step % args.log_every == 0 or val_loss:
            writer.writerow([step, f"{compute_s:.1f}", f"{running / count:.5f}", val_loss])
            log.flush()
            print(f"step {step}  {compute_s / 60:.1f} min  loss {running / count:.4f}  val {val_loss}", flush=True)
            running, count = 0.0, 0
        if time.time() - last_ckpt > args.checkpoint_every * 60:
            checkpoint()
            last_ckpt = time.time()
    vloss = evaluate()
    writer.writerow([step, f"{compute_s:.1f}", f"{running / count:.5f}" if count else "", f"{vloss:.5f}"])
    log.close()
    checkpoint()
    print(f"stopped at step {step}; val loss {vloss:.4f}; checkpoint {ckpt_path}", flush=True)


if __name__ == "__main__":
    main()
