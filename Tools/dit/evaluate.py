"""Generated orbits against the true renders of held-out objects, beside two baselines.

    python Tools/dit/evaluate.py --checkpoint runs/tiny/checkpoint.pt --data data/dit/val --objects 50
    python Tools/dit/evaluate.py --model Sources/Generate/Resources/orbit-dit --data data/dit/val --objects 50
Metrics per view, averaged over views and objects (RGB composited over grey for PSNR and SSIM):
PSNR (dB), SSIM (11×11 Gaussian window, σ 1.5), silhouette IoU (alpha > 0.5), and the sharpness
ratio (mean gradient magnitude, generated ÷ true) so that a blurry average cannot pass for a good
view. Baselines: the input view copied to every angle, and the training set's mean view.
Every row is also averaged over the turned views only (`turned`: views 1..V-1, leaving out view 0
at the input's azimuth). `generated_input_at_0` is the set of views the orbit route fits: the
generated views with view 0 replaced by the input image itself (the route fits the framed input
at azimuth 0 instead of the model's redraw of it); its turned figures are the generated ones.
The splat fit of these views, re-rendered at held-out angles, is scored by evaluate_fit.py.
--refiner (a folder with refiner.safetensors + refiner.json, or a train_refiner.py checkpoint)
adds the same rows for the refined views (`refined`, `refined_input_at_0`) and prints a table of
the generated, refined and baseline views side by side.
Uses the EMA weights (a checkpoint) or exported weights (--model: model.safetensors + config.json);
--steps / --guidance / --noise-scale / --readout-t default to the config's. --offset skips the first objects, so that settings can
be tuned on objects the reported figures do not use.
"""
import argparse
import json
import os

import torch
import torch.nn.functional as F

from model import DiT, DiTConfig
from train import Clips, load_shards


def composite(x):
    """[..., 4, H, W] in [-1, 1] → RGB in [0, 1] over grey; alpha in [0, 1]."""
    x = (x.clamp(-1, 1) + 1) / 2
    rgb, alpha = x[..., :3, :, :], x[..., 3:, :, :]
    return rgb * alpha + 0.5 * (1 - alpha), alpha[..., 0, :, :]


def psnr(a, b):
    mse = ((a - b) ** 2).flatten(-3).mean(-1)
    return 10 * torch.log10(1 / mse.clamp_min(1e-10))


def ssim(a, b):
    """Mean SSIM per image, [N, 3, H, W] in [0, 1]."""
    g = torch.exp(-((torch.arange(11) - 5.0) ** 2) / (2 * 1.5 ** 2))
    w = (g[:, None] * g[None, :]) / g.sum() ** 2
    w = w.expand(3, 1, 11, 11)
    blur = lambda x: F.conv2d(x, w, groups=3)
    ma, mb = blur(a), blur(b)
    va, vb, cov = blur(a * a) - ma ** 2, blur(b * b) - mb ** 2, blur(a * b) - ma * mb
    c1, c2 = 0.01 ** 2, 0.03 ** 2
    s = ((2 * ma * mb + c1) * (2 * cov + c2)) / ((ma ** 2 + mb ** 2 + c1) * (va + vb + c2))
    return s.flatten(1).mean(1)


def sharpness(x):
    gray = x.mean(-3)
    gx, gy = gray[..., :, 1:] - gray[..., :, :-1], gray[..., 1:, :] - gray[..., :-1, :]
    return (gx.abs().flatten(-2).mean(-1) + gy.abs().flatten(-2).mean(-1)) / 2


def scores(pred, truth):
    """pred, truth: [N, V, 4, H, W] in [-1, 1] → means over objects and views, and per view index."""
    n, v = truth.shape[:2]
    p_rgb, p_a = composite(pred.reshape(n * v, *pred.shape[2:]))
    t_rgb, t_a = composite(truth.reshape(n * v, *truth.shape[2:]))
    pm, tm = p_a > 0.5, t_a > 0.5
    iou = (pm & tm).flatten(1).sum(1) / (pm | tm).flatten(1).sum(1).clamp_min(1)
    each = {"psnr": psnr(p_rgb, t_rgb), "ssim": ssim(p_rgb, t_rgb), "iou": iou.float(),
            "sharpness_ratio": sharpness(p_rgb) / sharpness(t_rgb).clamp_min(1e-6)}
    out = {k: x.mean().item() for k, x in each.items()}
    if v > 1:
        out["turned"] = {k: x.reshape(n, v)[:, 1:].mean().item() for k, x in each.items()}
    out["per_view"] = {k: [round(y, 4) for y in x.reshape(n, v).mean(0).tolist()] for k, x in each.items()}
    return out


def generate(model, clips, offset, n, steps, guidance, seed, noise_scale=None, readout_t=None, samples=None):
    """Objects offset..offset+n-1: (truth, input, cameras, generated orbit), images in [-1, 1].
    The noise is drawn for objects 0..offset+n-1 in one go, so an object gets the same noise
    whatever --objects and --offset are. With samples K > 1 (default: the config's), sample k
    draws its noise from seed + 1000003·k (k = 0: the seed itself) and the K clips are averaged."""
    samples = model.config.samples if samples is None else samples
    truth, image, cams = clips.batch(torch.arange(offset, offset + n))
    generated = 0
    for k in range(samples):
        g = torch.Generator().manual_seed(seed + 1000003 * k)
        noise = torch.randn((offset + n, *truth.shape[1:]), generator=g)[offset:]
        generated = generated + torch.cat([model.sample(noise[i:i + 8], image[i:i + 8], cams[i:i + 8], steps,
                                                        guidance, noise_scale, readout_t)
                                           for i in range(0, n, 8)])
    return truth, image, cams, generated / samples if samples > 1 else generated


def load_model(args):
    """(model, step) from a train.py checkpoint (EMA weights) or an exported folder."""
    if args.model:
        from safetensors.torch import load_file
        config = DiTConfig.load(os.path.join(args.model, "config.json"))
        model = DiT(config)
        model.load_state_dict(load_file(os.path.join(args.model, "model.safetensors")))
        return model, None
    state = torch.load(args.checkpoint, map_location="cpu", weights_only=False)
    model = DiT(DiTConfig(**state["config"]))
    model.load_state_dict(state["ema"])
    return model, state["step"]


def print_table(results):
    keys = ("psnr", "ssim", "iou", "sharpness_ratio")
    print(f"{'':24}" + "".join(f"{k:>18}" for k in keys) + "   (all / turned views)")
    for row in ("generated", "refined", "generated_input_at_0", "refined_input_at_0", "copy_input", "mean_view"):
        if row in results:
            r = results[row]
            print(f"{row:24}" + "".join(f"{r[k]:>10.4f} /{r['turned'][k]:>6.3f}" for k in keys))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    source = p.add_mutually_exclusive_group(required=True)
    source.add_argument("--checkpoint", help="checkpoint.pt written by train.py")
    source.add_argument("--model", help="folder with model.safetensors + config.json (export.py)")
    p.add_argument("--data", required=True, help="held-out shards")
    p.add_argument("--train", help="training shards, for the mean-view baseline")
    p.add_argument("--objects", type=int, default=50)
    p.add_argument("--offset", type=int, default=0, help="first held-out object to use")
    p.add_argument("--out", help="also write the results here (JSON)")
    p.add_argument("--steps", type=int)
    p.add_argument("--guidance", type=float)
    p.add_argument("--noise-scale", type=float, help="starting-noise temperature (default: the config's)")
    p.add_argument("--readout-t", type=float, help="time of the clean-view readout (default: the config's)")
    p.add_argument("--samples", type=int, help="clips averaged per object (default: the config's)")
    p.add_argument("--refiner", help="orbit refiner (refiner.py): folder or train_refiner.py checkpoint")
    p.add_argument("--refiner-strength", type=float, help="the refiner's residual scale (default: its config's)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=2)
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    model, step = load_model(args)
    model.eval()
    config = model.config
    clips = Clips(load_shards(args.data), config)
    n = min(args.objects, len(clips) - args.offset)
    if n <= 0:
        raise SystemExit(f"{args.data}: only {len(clips)} objects, none after --offset {args.offset}")
    steps = args.steps or config.steps
    guidance = config.guidance if args.guidance is None else args.guidance
    noise_scale = config.noise_scale if args.noise_scale is None else args.noise_scale
    readout_t = config.readout_t if args.readout_t is None else args.readout_t
    samples = config.samples if args.samples is None else args.samples
    truth, image, cams, generated = generate(model, clips, args.offset, n, steps, guidance, args.seed,
                                             noise_scale, readout_t, samples)
    copy = image[:, None].expand_as(truth)
    if args.train:
        mean_view = Clips(load_shards(args.train), config).targets.float().mean((0, 1)) / 127.5 - 1
    else:
        mean_view = truth.mean((0, 1))
    results = {"checkpoint_step": step, "model": args.model or args.checkpoint, "data": args.data,
               "objects": n, "offset": args.offset, "steps": steps, "guidance": guidance,
               "noise_scale": noise_scale, "readout_t": readout_t, "samples": samples, "seed": args.seed,
               "generated": scores(generated, truth),
               "generated_input_at_0": scores(torch.cat([image[:, None], generated[:, 1:]], 1), truth),
               "copy_input": scores(copy, truth),
               "mean_view": scores(mean_view.expand_as(truth), truth)}
    if args.refiner:
        import refiner
        with torch.no_grad():
            net = refiner.load(args.refiner, args.refiner_strength)
            refined = net(generated, image, cams)
        results["refiner"] = args.refiner
        results["refiner_config"] = vars(net.config)
        results["refined"] = scores(refined, truth)
        results["refined_input_at_0"] = scores(torch.cat([image[:, None], refined[:, 1:]], 1), truth)
    text = json.dumps(results, indent=2)
    print(text)
    print_table(results)
    if args.out:
        with open(args.out + ".tmp", "w") as f:
            f.write(text + "\n")
        os.replace(args.out + ".tmp", args.out)


if __name__ == "__main__":
    main()
