"""PyTorch side of Tools/bench/generate-speed: seconds per clip for exported weights.

    python Tools/dit/bench_speed.py WEIGHTS CONFIG --steps 25 --repeats 3 --threads 2
Same sampler, guidance, sizes and samples averaged per clip (config `samples`, run as one batch)
as the Swift benchmark; prints `seconds_per_clip S` (best run).
"""
import argparse
import time

import torch
from safetensors.torch import load_file

from model import DiT, DiTConfig, camera_features


def main():
    p = argparse.ArgumentParser()
    p.add_argument("weights")
    p.add_argument("config")
    p.add_argument("--steps", type=int)
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--guidance", type=float)
    p.add_argument("--threads", type=int, default=2)
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    config = DiTConfig.load(args.config)
    model = DiT(config)
    model.load_state_dict(load_file(args.weights))
    model.eval()
    steps = args.steps or config.steps
    guidance = config.guidance if args.guidance is None else args.guidance
    r, v = config.resolution, config.views
    image = torch.rand(1, config.channels, r, r) * 2 - 1
    cams = torch.from_numpy(camera_features([k * 360 / v for k in range(v)], [0.0] * v))[None]
    best = float("inf")
    for seed in range(args.repeats):
        # The samples of a clip as one batch: PyTorch's fastest way to run them.
        k = config.samples
        noise = torch.randn((k, v, config.channels, r, r), generator=torch.Generator().manual_seed(seed))
        start = time.perf_counter()
        model.sample(noise, image.expand(k, -1, -1, -1), cams.expand(k, -1, -1), steps=steps, guidance=guidance).mean(0)
        best = min(best, time.perf_counter() - start)
    print(f"seconds_per_clip {best}")


if __name__ == "__main__":
    main()
