"""Is the shipped model's remaining error its own uncertainty or a bias? For K samples per clip:
the composited MSE of their mean against the truth, and their spread (unbiased variance around
the mean). A calibrated sampler (samples drawn from the true posterior) gives
E|mean − truth|² ≈ spread · (1 + 1/K); an excess is error the model does not know it makes.
Turned views only (1..V-1). Run from Tools/dit:
    python results/orbit-p8d8-s7/sample_spread.py MODEL_DIR VAL_SHARDS [OBJECTS]"""
import sys
from types import SimpleNamespace

import torch

sys.path.insert(0, ".")
from evaluate import composite, load_model  # noqa: E402
from train import Clips, load_shards  # noqa: E402

torch.set_num_threads(2)
folder, val_dir = sys.argv[1], sys.argv[2]
n, K = int(sys.argv[3]) if len(sys.argv) > 3 else 64, 8
model = load_model(SimpleNamespace(model=folder, checkpoint=None))[0].eval()
truth, image, cams = Clips(load_shards(val_dir), model.config).batch(torch.arange(n))
truth_rgb = composite(truth)[0][:, 1:]
for noise_scale in (1.0, 0.7):
    samples = []
    for k in range(K):
        noise = torch.randn(truth.shape, generator=torch.Generator().manual_seed(500 + k))
        samples.append(torch.cat([model.sample(noise[i:i + 16], image[i:i + 16], cams[i:i + 16], 50, 1.0,
                                               noise_scale, 0.0) for i in range(0, n, 16)]))
    rgb = composite(torch.stack(samples))[0][:, :, 1:]                       # [K, n, V-1, 3, H, W]
    mean = rgb.mean(0)
    error = ((mean - truth_rgb) ** 2).mean().item()
    single = ((rgb - truth_rgb) ** 2).mean().item()
    spread = ((rgb - mean) ** 2).mean().item() * K / (K - 1)
    print(f"noise {noise_scale}: mean of {K} vs truth {error:.5f}, one sample vs truth {single:.5f}, "
          f"spread {spread:.5f} (calibrated: mean vs truth ≈ {spread * (1 + 1 / K):.5f})")
