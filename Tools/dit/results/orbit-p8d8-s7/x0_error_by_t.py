"""x0 error by noise level of two checkpoints on the same validation clips and noise (the table in
README.md). Run from Tools/dit: python results/orbit-p8d8-s7/x0_error_by_t.py VAL_SHARDS CKPT_A CKPT_B
(a checkpoint.pt, or a folder of exported weights: model.safetensors + config.json)"""
import os
import sys
from types import SimpleNamespace

import torch

sys.path.insert(0, ".")
from evaluate import load_model  # noqa: E402
from train import Clips, load_shards  # noqa: E402

torch.set_num_threads(2)
val_dir, paths = sys.argv[1], sys.argv[2:]
def source(path):
    """load_model's arguments for a checkpoint file or an exported folder."""
    folder = os.path.isdir(path)
    return SimpleNamespace(model=path if folder else None, checkpoint=None if folder else path)


models = [load_model(source(p))[0].eval() for p in paths]
x0, image, cams = Clips(load_shards(val_dir), models[0].config).batch(torch.arange(64))
noise = torch.randn(x0.shape, generator=torch.Generator().manual_seed(7))
for t in (0.05, 0.2, 0.4, 0.6, 0.8, 0.9, 0.97, 1.0):
    x_t = (1 - t) * x0 + t * noise
    with torch.no_grad():
        errors = [((m(x_t, torch.full((64,), t), image, cams) - x0) ** 2).mean().item() for m in models]
    print(f"{t:.2f} " + "  ".join(f"{e:.5f}" for e in errors))
