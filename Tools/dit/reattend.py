"""Moves a trained DiT to the other attention layout (full ↔ factorised), as a new run folder.

    python Tools/dit/reattend.py --checkpoint runs/orbit/checkpoint.pt --attention full --run runs/orbit-full

Both layouts have the same parameters (a block's attention weights do not depend on which tokens
it attends over), so every tensor, the optimiser's moments, the step, the compute time and the
sampling RNG carry over unchanged; only the config's `attention` changes. The function does change
(a temporal block now sees every patch of every view, not only the same patch position), so the
script prints how far the outputs move on random inputs: resume with train.py and a warm-up
(--warmup-from STEP) to let the network settle into the new layout.
"""
import argparse
import os

import torch

from grow import write_run
from model import DiT, DiTConfig


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--checkpoint", required=True, help="train.py's checkpoint.pt")
    p.add_argument("--attention", required=True, choices=["full", "factorised"])
    p.add_argument("--run", required=True, help="new run folder (must not hold a checkpoint)")
    args = p.parse_args()

    state = torch.load(args.checkpoint, map_location="cpu", weights_only=False)
    old_config = DiTConfig(**state["config"])
    if old_config.attention == args.attention:
        raise SystemExit(f"{args.checkpoint}: already {args.attention}")
    config = DiTConfig(**{**state["config"], "attention": args.attention})
    out_path = os.path.join(args.run, "checkpoint.pt")
    if os.path.exists(out_path):
        raise SystemExit(f"{out_path} exists: write into a new run folder")

    # Same parameters by name and shape: load_state_dict is strict, so a mismatch stops here.
    old, new = DiT(old_config), DiT(config)
    old.load_state_dict(state["ema"])
    new.load_state_dict(state["ema"])
    g = torch.Generator().manual_seed(1)
    b, c, r = 4, config.channels, config.resolution
    x0 = torch.randn(b, config.views, c, r, r, generator=g).clamp(-1, 1)
    t = torch.full((b,), 0.5)
    x = 0.5 * x0 + 0.5 * torch.randn(x0.shape, generator=g)
    image = torch.randn(b, c, r, r, generator=g).clamp(-1, 1)
    cams = torch.randn(b, config.views, 4, generator=g)
    with torch.no_grad():
        before, after = old(x, t, image, cams), new(x, t, image, cams)
    moved = ((after - before) ** 2).mean().sqrt().item()
    scale = (before ** 2).mean().sqrt().item()

    write_run(args.run, {**state, "config": config.__dict__}, config)
    print(f"{args.checkpoint} ({old_config.attention}, step {state['step']}) -> {out_path} ({args.attention}); "
          f"EMA output moved by RMS {moved:.4f} (output RMS {scale:.4f}) on random inputs at t = 0.5")


if __name__ == "__main__":
    main()
