"""Grows a trained DiT deeper or its MLPs wider without changing what it computes, as a new run
folder to train on.

    python Tools/dit/grow.py --checkpoint runs/orbit/checkpoint.pt --depth 8 --run runs/orbit-deep
    python Tools/dit/grow.py --model Sources/Generate/Resources/orbit-dit --step 90000 \
        --mlp-ratio 12 --run runs/orbit-wide

A new adaLN-Zero block starts with its modulation's last layer at zero: both gates are zero, so the
block is the identity and the grown network gives the trained one's outputs exactly (checked here
on random inputs before anything is written). The trained blocks keep their order and their axis
(factorised attention alternates spatial, temporal by index), so new blocks go in as spatial +
temporal pairs after each trained pair until the depth is reached. The checkpoint written keeps
the step, compute time and sampling RNG of the old one and starts a fresh optimiser (the new
blocks have no moments yet): resume it with train.py and a warm-up (--warmup-from STEP).

A wider MLP (--mlp-ratio above the trained one) keeps every trained hidden unit and adds new ones
whose output weights are zero, so they add nothing until training moves them; their input weights
start random (xavier, as a new model's) so that their gradients are not all alike.

--model starts from exported weights (model.safetensors + config.json: the EMA weights, e.g. the
shipped folder) instead of a checkpoint: the model and its average both start from them, the
sampling RNG from --seed, and --step says which step the weights were.
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


def widened(old, new, rest):
    """old block parameter `rest` placed into the (possibly wider) new one: trained MLP hidden units
    first; added units keep new's random input weights and get zero bias and zero output weights."""
    if old.shape == new.shape:
        return old.clone()
    out = new.clone()
    if rest == "mlp.0.weight":  # hidden × width
        out[: old.shape[0]] = old
    elif rest == "mlp.0.bias":
        out.zero_()
        out[: old.shape[0]] = old
    elif rest == "mlp.2.weight":  # width × hidden
        out.zero_()
        out[:, : old.shape[1]] = old
    else:
        raise SystemExit(f"{rest}: shape {tuple(old.shape)} -> {tuple(new.shape)} cannot be grown")
    return out


def grow_weights(old, new, order):
    """Copies old's parameters into new: shared modules by name, blocks by order (widened MLPs)."""
    old_state, new_state = old.state_dict(), new.state_dict()
    for key in new_state:
        if key.startswith("blocks."):
            index, rest = key.split(".", 2)[1:]
            source = order[int(index)]
            if source is not None:
                new_state[key] = widened(old_state[f"blocks.{source}.{rest}"], new_state[key], rest)
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


def load_source(args):
    """(state, config) of what is grown: a train.py checkpoint, or exported weights as one."""
    if args.checkpoint:
        state = torch.load(args.checkpoint, map_location="cpu", weights_only=False)
        return state, DiTConfig(**state["config"])
    from evaluate import load_model  # the exported-weights reader the evaluation uses
    model, _ = load_model(argparse.Namespace(model=args.model, checkpoint=None))
    config, weights = model.config, model.state_dict()
    generator = torch.Generator().manual_seed(args.seed)
    state = dict(model=weights, ema=weights, step=args.step, compute_s=0.0, config=config.__dict__,
                 generator=generator.get_state())
    return state, config


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    source = p.add_mutually_exclusive_group(required=True)
    source.add_argument("--checkpoint", help="train.py's checkpoint.pt")
    source.add_argument("--model", help="folder with model.safetensors + config.json (export.py)")
    p.add_argument("--step", type=int, default=0, help="with --model: the step those weights were trained to")
    p.add_argument("--depth", type=int, help="depth of the grown model (default: unchanged)")
    p.add_argument("--mlp-ratio", type=float, help="MLP hidden size ÷ width of the grown model (default: unchanged)")
    p.add_argument("--run", required=True, help="new run folder (must not hold a checkpoint)")
    p.add_argument("--seed", type=int, default=0, help="initialises the new blocks and hidden units")
    args = p.parse_args()

    state, old_config = load_source(args)
    depth = args.depth or old_config.depth
    mlp_ratio = args.mlp_ratio or old_config.mlp_ratio
    if depth < old_config.depth or mlp_ratio < old_config.mlp_ratio:
        raise SystemExit(f"--depth {depth} / --mlp-ratio {mlp_ratio}: the model is already "
                         f"{old_config.depth} deep with MLP ratio {old_config.mlp_ratio}; growing only adds")
    if (depth, mlp_ratio) == (old_config.depth, old_config.mlp_ratio):
        raise SystemExit("nothing to grow: give a larger --depth or --mlp-ratio")
    config = DiTConfig(**{**state["config"], "depth": depth, "mlp_ratio": mlp_ratio})
    config.validate()
    order = grown_order(old_config.depth, depth, config.attention)
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
    params = sum(p.numel() for p in grown["model"].parameters())
    print(f"{args.checkpoint or args.model} (depth {old_config.depth}, MLP ratio {old_config.mlp_ratio}, "
          f"step {state['step']}) -> {out_path} (depth {depth}, MLP ratio {mlp_ratio}, {params:,} parameters, "
          f"blocks from {order})")


if __name__ == "__main__":
    main()
