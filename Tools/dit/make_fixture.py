"""Golden fixture for the Swift `Generate` tests: a small random-weight DiT and its outputs.

    python Tools/dit/make_fixture.py        # writes Tests/GenerateTests/Fixtures/dit/
    python Tools/dit/make_fixture.py --shipped Sources/Generate/Resources/orbit-dit --data data/dit/val
        # writes Tests/GenerateTests/Fixtures/orbit-dit-sample.safetensors: the committed
        # checkpoint's 4-step guided sample of one held-out object from fixed noise
Files: model.safetensors + config.json (the model, as export.py writes it) and fixture.safetensors
holding the input image ([H, W, C] pixels in [0, 1], as Media's Image stores them), the fixed
noise, the cameras (relative azimuth / elevation in degrees and their features), and outputs:
one denoiser call (conditional, dropped input, full attention and x0-prediction with the same
weights; all as velocities) and one full Euler sample with classifier-free guidance (factorised,
full attention, x0-prediction, and x0-prediction from tempered noise with a clean-view readout).
Every weight is drawn at random (fixed seed), including the adaLN-Zero ones that training starts
at zero, so every layer shows in the outputs.
"""
import argparse
import math
import os

import numpy as np
import torch
from safetensors.torch import save_file

from export import export
from model import DiT, DiTConfig, camera_features

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "..", "Tests", "GenerateTests", "Fixtures", "dit")
TEMPERED_NOISE_SCALE, TEMPERED_READOUT_T = 0.7, 0.3


def randomize(model, generator):
    for name, p in model.named_parameters():
        with torch.no_grad():
            if p.ndim == 2:  # Linear weight [out, in]: unit-variance outputs for unit-variance inputs
                p.copy_(torch.randn(p.shape, generator=generator) / math.sqrt(p.shape[1]))
            else:
                p.copy_(torch.randn(p.shape, generator=generator) * 0.1)


def shipped(folder, data):
    """The committed weights on a held-out object: the Swift test loads the same folder."""
    from safetensors.torch import load_file
    from train import Clips, load_shards
    config = DiTConfig.load(os.path.join(folder, "config.json"))
    model = DiT(config)
    model.load_state_dict(load_file(os.path.join(folder, "model.safetensors")))
    model.eval()
    clips = Clips(load_shards(data), config)
    truth, image, cams = clips.batch(torch.tensor([0]))
    pixels = clips.inputs[0].permute(1, 2, 0).float() / 255                # [H, W, C] as Media holds it
    image = pixels.permute(2, 0, 1)[None] * 2 - 1
    generator = torch.Generator().manual_seed(99)
    noise = torch.randn(truth.shape, generator=generator)
    with torch.no_grad():
        sample = model.sample(noise, image, cams, steps=4, guidance=config.guidance)
    data_out = {"image": pixels, "noise": noise[0],
                "relative_azimuth": torch.from_numpy(clips.azimuth[0].numpy().astype(np.float32)),
                "relative_elevation": torch.from_numpy(np.asarray(load_shards(data)["relative_elevation"][0], np.float32)),
                "sample": sample[0]}
    path = os.path.join(HERE, "..", "..", "Tests", "GenerateTests", "Fixtures", "orbit-dit-sample.safetensors")
    save_file({k: x.float().contiguous() for k, x in data_out.items()}, path,
              metadata={"steps": "4", "guidance": str(config.guidance), "object": "0", "data": os.path.basename(os.path.normpath(data))})
    print(f"wrote {path} ({os.path.getsize(path) / 1e3:.0f} kB); sample mean |x| {sample.abs().mean():.4f}")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--shipped", help="exported model folder: write the committed checkpoint's sample fixture instead")
    p.add_argument("--data", help="held-out shards for --shipped")
    args = p.parse_args()
    if args.shipped:
        if not args.data:
            raise SystemExit("--shipped needs --data")
        return shipped(args.shipped, args.data)
    torch.manual_seed(0)
    generator = torch.Generator().manual_seed(1234)
    config = DiTConfig.load(os.path.join(HERE, "configs", "fixture.json"))
    model = DiT(config)
    randomize(model, generator)
    model.eval()

    c, r, v = config.channels, config.resolution, config.views
    # A smooth input image with structure in every channel (alpha included).
    yy, xx = np.meshgrid(np.linspace(0, 1, r), np.linspace(0, 1, r), indexing="ij")
    pixels = np.stack([xx, yy, 0.5 + 0.4 * np.sin(6 * xx * yy), (np.hypot(xx - 0.5, yy - 0.5) < 0.4) * 1.0], axis=-1)
    pixels = pixels[..., :c].astype(np.float32)                        # [H, W, C] in [0, 1]
    image = torch.from_numpy(pixels).permute(2, 0, 1)[None] * 2 - 1    # [1, C, H, W] in [-1, 1]

    azimuths = np.array([30.0, -100.0][:v] + [45.0 * k for k in range(max(0, v - 2))], dtype=np.float64)
    input_elevation, target_elevation = 10.0, 25.0
    elevations = np.full(v, target_elevation - input_elevation)
    cams = torch.from_numpy(camera_features(azimuths, elevations))[None]  # [1, V, 4]

    noise = torch.randn((1, v, c, r, r), generator=generator)
    t = torch.tensor([0.7])
    with torch.no_grad():
        denoise_cond = model(noise, t, image, cams)
        denoise_drop = model(noise, t, image, cams, drop_input=torch.tensor([True]))
        sample = model.sample(noise, image, cams, steps=4, guidance=config.guidance)
        model_full = DiT(DiTConfig(**{**config.__dict__, "attention": "full"}))
        model_full.load_state_dict(model.state_dict())
        model_full.eval()
        denoise_full = model_full(noise, t, image, cams)
        sample_full = model_full.sample(noise, image, cams, steps=4, guidance=config.guidance)
        model_x0 = DiT(DiTConfig(**{**config.__dict__, "prediction": "x0"}))
        model_x0.load_state_dict(model.state_dict())
        model_x0.eval()
        denoise_x0 = model_x0.velocity(noise, t, image, cams)
        sample_x0 = model_x0.sample(noise, image, cams, steps=4, guidance=config.guidance)
        # The sampler's temperature and clean-view readout (config noise_scale / readout_t).
        sample_tempered = model_x0.sample(noise, image, cams, steps=4, guidance=config.guidance,
                                          noise_scale=TEMPERED_NOISE_SCALE, readout_t=TEMPERED_READOUT_T)

    os.makedirs(OUT, exist_ok=True)
    export(model, OUT)
    data = {
        "image": torch.from_numpy(pixels),
        "noise": noise[0],
        "relative_azimuth": torch.from_numpy(azimuths.astype(np.float32)),
        "relative_elevation": torch.from_numpy(elevations.astype(np.float32)),
        "camera_features": cams[0],
        "t": t,
        "denoise_cond": denoise_cond[0],
        "denoise_drop": denoise_drop[0],
        "denoise_full": denoise_full[0],
        "sample": sample[0],
        "sample_full": sample_full[0],
        "denoise_x0": denoise_x0[0],
        "sample_x0": sample_x0[0],
        "sample_tempered": sample_tempered[0],
    }
    save_file({k: x.float().contiguous() for k, x in data.items()}, os.path.join(OUT, "fixture.safetensors"),
              metadata={"steps": "4", "guidance": str(config.guidance), "input_elevation": str(input_elevation),
                        "target_elevation": str(target_elevation),
                        "tempered_noise_scale": str(TEMPERED_NOISE_SCALE), "tempered_readout_t": str(TEMPERED_READOUT_T)})
    for k in ("denoise_cond", "denoise_drop", "denoise_full", "sample", "sample_full", "denoise_x0", "sample_x0", "sample_tempered"):
        x = data[k]
        print(f"{k}: shape {tuple(x.shape)}, mean |x| {x.abs().mean():.4f}, max |x| {x.abs().max():.4f}")
    total = sum(os.path.getsize(os.path.join(OUT, f)) for f in os.listdir(OUT))
    print(f"fixture: {OUT} ({total / 1e6:.2f} MB)")


if __name__ == "__main__":
    main()
