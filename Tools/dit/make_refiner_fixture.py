"""Golden fixture for the Swift refiner tests: a small random-weight refiner and its output.

    python Tools/dit/make_refiner_fixture.py     # writes Tests/GenerateTests/Fixtures/refiner/
    python Tools/dit/make_refiner_fixture.py --shipped Sources/Generate/Resources/orbit-dit
        # writes Tests/GenerateTests/Fixtures/orbit-refiner-sample.safetensors: the committed
        # refiner applied to the committed checkpoint's sample in orbit-dit-sample.safetensors
Files: refiner.safetensors + refiner.json (as refiner.save writes them) and fixture.safetensors
holding a clip of 3 views ([V, C, H, W], some values outside [-1, 1] so that the clamp shows), the
input image [C, H, W], camera features [V, 4] and the refined clip. Every weight is random (fixed
seed), the last layer's too (training starts it at zero); the middle layer is dilated (2), the
residual scaled by strength 0.8.
"""
import argparse
import os

import torch
from safetensors.torch import load_file, save_file

import refiner as R
from model import camera_features

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "..", "Tests", "GenerateTests", "Fixtures", "refiner")


def shipped(folder):
    """The shipped refiner on the shipped model's PyTorch sample (make_fixture.py --shipped)."""
    fixtures = os.path.dirname(os.path.normpath(OUT))
    data = load_file(os.path.join(fixtures, "orbit-dit-sample.safetensors"))
    model = R.load(folder)
    image = data["image"].permute(2, 0, 1)[None] * 2 - 1
    cams = torch.from_numpy(camera_features(data["relative_azimuth"].double().numpy(),
                                            data["relative_elevation"].double().numpy()))[None]
    with torch.no_grad():
        refined = model(data["sample"][None], image, cams)
    path = os.path.join(fixtures, "orbit-refiner-sample.safetensors")
    save_file({"refined": refined[0].contiguous()}, path, metadata={"strength": str(model.config.strength)})
    print(f"wrote {path}; mean |refined − clamped sample| {(refined[0] - data['sample'].clamp(-1, 1)).abs().mean():.4f}")


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--shipped", help="refiner folder: write the shipped refiner's fixture instead")
    args = p.parse_args()
    if args.shipped:
        return shipped(args.shipped)
    g = torch.Generator().manual_seed(7)
    config = R.RefinerConfig(channels=4, width=8, layers=3, resolution=12, dilations=[1, 2, 1], strength=0.8)
    model = R.Refiner(config)
    with torch.no_grad():
        for p in model.parameters():
            fan_in = p[0].numel() if p.ndim == 4 else 1
            p.copy_(torch.randn(p.shape, generator=g) / fan_in ** 0.5 if p.ndim == 4 else torch.randn(p.shape, generator=g) * 0.1)
    views, r = 3, config.resolution
    clip = torch.randn((1, views, 4, r, r), generator=g) * 0.8
    image = torch.rand((1, 4, r, r), generator=g) * 2 - 1
    cams = torch.from_numpy(camera_features([0.0, 135.0, 250.0], [10.0, 10.0, -5.0]))[None]
    with torch.no_grad():
        out = model(clip, image, cams)
    os.makedirs(OUT, exist_ok=True)
    R.save(model, OUT)
    save_file({"clip": clip[0].contiguous(), "image": image[0].contiguous(), "cameras": cams[0].contiguous(),
               "refined": out[0].contiguous()}, os.path.join(OUT, "fixture.safetensors"),
              metadata={"views": str(views), "resolution": str(r)})
    print(f"wrote {OUT}: {sum(p.numel() for p in model.parameters())} parameters, "
          f"{(clip.abs() > 1).float().mean().item():.0%} of the clip outside [-1, 1], "
          f"mean |refined − clamped clip| {(out - clip.clamp(-1, 1)).abs().mean().item():.3f}")


if __name__ == "__main__":
    main()
