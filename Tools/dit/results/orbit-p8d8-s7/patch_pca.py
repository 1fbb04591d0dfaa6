"""How much of the input views a linear code of K dimensions per 8×8 RGBA patch keeps (PCA), as
PSNR over grey as evaluate.py scores. Run from Tools/dit:
    python results/orbit-p8d8-s7/patch_pca.py TRAIN_SHARDS/shard_00000.npz"""
import sys

import numpy as np
import torch

sys.path.insert(0, ".")
from evaluate import composite  # noqa: E402

views = np.load(sys.argv[1])["inputs"][..., :4].astype(np.float32) / 127.5 - 1    # [n, 32, 32, 4]
n = views.shape[0]
patches = views.reshape(n, 4, 8, 4, 8, 4).transpose(0, 1, 3, 2, 4, 5).reshape(-1, 256)
mean = patches.mean(0)
_, s, vt = np.linalg.svd(patches - mean, full_matrices=False)


def over_grey(x):
    """[n, H, W, 4] in [-1, 1] → RGB over grey (evaluate.py's composite)."""
    return composite(torch.from_numpy(np.ascontiguousarray(x)).permute(0, 3, 1, 2))[0].numpy()


for k in (32, 64, 96, 128):
    coded = (patches - mean) @ vt[:k].T @ vt[:k] + mean
    back = coded.reshape(n, 4, 4, 8, 8, 4).transpose(0, 1, 3, 2, 4, 5).reshape(n, 32, 32, 4)
    mse = ((over_grey(back) - over_grey(views)) ** 2).reshape(n, -1).mean(1)
    kept = np.sum(s[:k] ** 2) / np.sum(s ** 2)
    print(f"{k:4d} dims: variance kept {kept:.4f}, PSNR {np.mean(10 * np.log10(1 / mse)):.2f} dB")
