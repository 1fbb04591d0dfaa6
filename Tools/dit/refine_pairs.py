"""Training pairs for the refiner: the shipped sampler's orbits of objects with their true views.

    python Tools/dit/refine_pairs.py --model Sources/Generate/Resources/orbit-dit \
        --data /work/dit-data/train --out /work/dit-data/refine-train --first 0 --count 1500
Objects first..first+count-1 of --data are sampled in chunks of --chunk clips (the config's
sampler: steps, guidance, noise scale, readout time), each chunk from noise seeded by
--seed + its first index, so a chunk is the same whatever range it was made in. Writes
pairs_FFFFF.npz per chunk (a rerun skips finished chunks): `generated` [n, V, C, H, W] float16 in
[-1, 1] (the sampler's output, unclamped), `inputs` [n, C, H, W], `targets` [n, V, C, H, W] (float16
in [-1, 1]), `cameras` [n, V, 4] float32, `index` [n] (object index in --data).
"""
import argparse
import os
import time

import numpy as np
import torch

from evaluate import load_model
from train import Clips, load_shards


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    source = p.add_mutually_exclusive_group(required=True)
    source.add_argument("--checkpoint", help="checkpoint.pt written by train.py")
    source.add_argument("--model", help="folder with model.safetensors + config.json (export.py)")
    p.add_argument("--data", required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--first", type=int, default=0)
    p.add_argument("--count", type=int, default=1500)
    p.add_argument("--chunk", type=int, default=100)
    p.add_argument("--seed", type=int, default=1000)
    p.add_argument("--threads", type=int, default=1)
    args = p.parse_args()
    torch.set_num_threads(args.threads)
    model, _ = load_model(args)
    model.eval()
    config = model.config
    clips = Clips(load_shards(args.data), config)
    os.makedirs(args.out, exist_ok=True)
    last = min(args.first + args.count, len(clips))
    for start in range(args.first, last, args.chunk):
        path = os.path.join(args.out, f"pairs_{start:05d}.npz")
        if os.path.exists(path):
            continue
        began = time.process_time()
        index = torch.arange(start, min(start + args.chunk, last))
        truth, image, cams = clips.batch(index)
        noise = torch.randn(truth.shape, generator=torch.Generator().manual_seed(args.seed + start))
        generated = torch.cat([model.sample(noise[i:i + 8], image[i:i + 8], cams[i:i + 8], config.steps,
                                            config.guidance) for i in range(0, len(index), 8)])
        half = lambda x: x.numpy().astype(np.float16)
        np.savez(path + ".tmp.npz", generated=half(generated), inputs=half(image), targets=half(truth),
                 cameras=cams.numpy(), index=index.numpy())
        os.replace(path + ".tmp.npz", path)
        mse = ((generated.clamp(-1, 1) - truth) ** 2).mean().item()
        print(f"{path}: {len(index)} clips, {time.process_time() - began:.1f} CPU-s, "
              f"mse {mse:.4f} (copy {((image[:, None] - truth) ** 2).mean().item():.4f})", flush=True)


if __name__ == "__main__":
    main()
