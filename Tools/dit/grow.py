"""Grows a trained DiT deeper without changing what it computes, as a new run folder to train on.

    python Tools/dit/grow.py --checkpoint runs/orbit/checkpoint.pt --depth 8 --run runs/orbit-deep

A new adaLN-Zero block starts with its modulation's last layer at zero: both gates are zero, so the
block is the identity and the grown network gives the trained one's outputs exactly (checked here
on random inputs before anything is written). The trained blocks keep their order and their axis
(factorised attention alternates spatial, temporal by index), so new blocks go in as spatial +
temporal pairs after each trained pair until the depth is reached. The checkpoint written keeps
the step, compute time and sampling RNG of the old one and starts a fresh optimiser (the new
blocks have no moments yet): resume it with train.py and a warm-up (--warmup-from STEP).
"""
import argparse
import os

import torch

from model import DiT, DiTConfig


def grown_order(old_depth, new_depth, attention):
    """For each block of the grown model, the index of the trained block it copies, or None (new)."""
    if attention == "full":
        return list(range(old_depth)) + [None] * (new_depth - old_depth)
    if old_depth % 2 or new_depth % 2:
        raise SystemExit("factorised attention: both depths must be even (spatial + temporal pairs)")
    pairs_old, pairs_new = old_depth // 2, new_depth // 2
    order, added = [], 0
    for pair in range(pairs_old):
        order += [2 * pair, 2 * pair + 1]
        # Spread the new pairs evenly after the trained ones.
        want = (pair + 1) * (pairs_new - pairs_old) // pairs_old
        order += [None, None] * (want - added)
        added = want
    return order


def grow_weights(old, new, order):
    """Copies old's parameters into new: shared modules by name, blocks by order."""
    old_state, new_state = old.state_dict(), new.state_dict()
    for key in new_state:
        if key.startswith("blocks."):
            index, rest = key.split(".", 2)[1:]
            source = order[int(index)]
            if source is not None:
                new_state[key] = old_state[f"blocks.{source}.{rest}"].clone()
        else:
            new_state[key] = old_state[key].clone()
    new.load_state_dict(new_state)


def write_run(run, state, config):
    """A new run folder that train.py resumes: checkpoint.pt (written under a temporary name, then
    renamed), config.json and an empty samples/."""
    os.makedirs(os.path.join(run, "samples"), exist_ok=True)
    out_path = os.path.join(run, "checkpoint.pt")
    torch.save(state, out_path + ".tmp")
    os.replace(out_path + ".tmp", out_path)
    config.save(os.path.join(run, "config.json"))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--checkpoint", required=True, help="train.py's checkpoint.pt")
    p.add_argument("--depth", type=int, required=True, help="depth of the grown model")
    p.add_argument("--run", required=True, help="new run folder (must not hold a checkpoint)")
    p.add_argument("--seed", type=int, default=0, help="initialises the new blocks' attention and MLP")
    args = p.parse_args()

    state = torch.load(args.checkpoint, map_location="cpu", weights_only=False)
    old_config = DiTConfig(**state["config"])
    if args.depth <= old_config.depth:
        raise SystemExit(f"--depth {args.depth}: the checkpoint is already {old_config.depth} deep")
    config = DiTConfig(**{**state["config"], "depth": args.depth})
    order = grown_order(old_config.depth, args.depth, config.attention)
    out_path = os.path.join(args.run, "checkpoint.pt")
    if os.path.exists(out_path):
        raise SystemExit(f"{out_path} exists: grow into a new run folder")

    torch.manual_seed(args.seed)
    grown = {}
    for name in ("model", "ema"):
        old = DiT(old_config)
        old.load_state_dict(state[name])
        new = DiT(config)
        grow_weights(old, new, order)
        # The grown network must compute what the trained one does.
        g = torch.Generator().manual_seed(1)
        b, c, r = 2, config.channels, config.resolution
        x = torch.randn(b, config.views, c, r, r, generator=g)
        t = torch.rand(b, generator=g)
        image = torch.randn(b, c, r, r, generator=g)
        cams = torch.randn(b, config.views, 4, generator=g)
        with torch.no_grad():
            diff = (old(x, t, image, cams) - new(x, t, image, cams)).abs().max().item()
        if diff > 1e-5:
            raise SystemExit(f"grown {name} differs from the trained one by {diff}")
        grown[name] = new
    opt = torch.optim.AdamW(grown["model"].parameters(), lr=1e-4, weight_decay=0.0)

    write_run(args.run, dict(model=grown["model"].state_dict(), ema=grown["ema"].state_dict(), opt=opt.state_dict(),
                             step=state["step"], config=config.__dict__, generator=state["generator"],
                             compute_s=state["compute_s"]), config)
    print(f"{args.checkpoint} (depth {old_config.depth}, step {state['step']}) -> {out_path} "
          f"(depth {args.depth}, blocks from {order})")


if __name__ == "__main__":
    main()
