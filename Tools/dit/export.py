"""Writes a trained DiT as the Swift side reads it: model.safetensors (float32) + config.json.

    python Tools/dit/export.py --checkpoint runs/tiny/checkpoint.pt --out Sources/Generate/Resources
The EMA weights are exported (the ones sample grids are drawn with). The sampler settings the
Swift side defaults to (steps, guidance, noise_scale, readout_t, samples) are the checkpoint config's unless
given here: they change no weight, so they are chosen after training (sweep_sampler.py).
"""
import argparse
import dataclasses
import os

import torch
from safetensors.torch import save_file

from model import DiT, DiTConfig


def export(model: DiT, out_dir: str):
    os.makedirs(out_dir, exist_ok=True)
    tensors = {name: p.detach().float().contiguous().clone() for name, p in model.state_dict().items()}
    weights = os.path.join(out_dir, "model.safetensors")
    config = os.path.join(out_dir, "config.json")
    save_file(tensors, weights + ".tmp", metadata={"format": "vid2world-dit", "version": "1"})
    os.replace(weights + ".tmp", weights)
    model.config.save(config + ".tmp")
    os.replace(config + ".tmp", config)
    return weights, config


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--checkpoint", required=True, help="checkpoint.pt written by train.py")
    parser.add_argument("--out", required=True, help="folder for model.safetensors and config.json")
    parser.add_argument("--steps", type=int)
    parser.add_argument("--guidance", type=float)
    parser.add_argument("--noise-scale", type=float)
    parser.add_argument("--readout-t", type=float)
    parser.add_argument("--samples", type=int)
    args = parser.parse_args()
    state = torch.load(args.checkpoint, map_location="cpu", weights_only=False)
    config = DiTConfig(**state["config"])
    sampler = {k: getattr(args, k) for k in ("steps", "guidance", "noise_scale", "readout_t", "samples") if getattr(args, k) is not None}
    config = dataclasses.replace(config, **sampler)
    config.validate()
    model = DiT(config)
    model.load_state_dict(state["ema"])
    weights, config_path = export(model, args.out)
    print(f"wrote {weights} and {config_path} (step {state['step']})")


if __name__ == "__main__":
    main()
