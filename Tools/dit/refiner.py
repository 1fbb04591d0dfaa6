"""The orbit refiner: a small residual convolutional net over each generated view, the reference the
Swift `OrbitRefiner` (Sources/Generate/Refine) matches.

Input per view, all [-1, 1] images: the sampler's view clamped to [-1, 1] (C channels), the clean
input image (C) and the view's camera features (4, constant over the view) — 2C + 4 channels.
`layers` 3×3 convolutions (stride 1, dilation d per layer from `dilations`, default 1, zero
padding d so the size is kept), `width` channels, SiLU between; the last
one outputs C channels, added to the clamped view (times `strength`, 1 in training: a knob like
the sampler's temperature that moves the output between the sample and the regression optimum). The last layer starts at zero (the refiner
starts as the identity). Weights are stored as PyTorch keeps them: conv.i.weight [out, in, 3, 3],
conv.i.bias [out]. Files: refiner.safetensors + refiner.json (this config).
"""
import json
import os
from dataclasses import asdict, dataclass

import torch
import torch.nn as nn
import torch.nn.functional as F

WEIGHTS_NAME = "refiner.safetensors"
CONFIG_NAME = "refiner.json"


@dataclass
class RefinerConfig:
    channels: int = 4         # the DiT's image channels (RGBA)
    camera_features: int = 4  # sin Δaz, cos Δaz, sin Δel, cos Δel
    width: int = 32
    layers: int = 6
    resolution: int = 32      # the views it was trained on (the convolution itself takes any size)
    dilations: list = None    # per layer (padding = dilation, so sizes are kept); None: all 1
    strength: float = 1.0     # the residual's scale at inference: 1 = as trained, below 1 = between the sample and the refined view

    @property
    def in_channels(self):
        return 2 * self.channels + self.camera_features

    def validate(self):
        def need(ok, field, reason):
            if not ok:
                raise ValueError(f"refiner config field '{field}': {reason}")
        need(self.channels in (3, 4), "channels", "must be 3 or 4")
        need(self.camera_features == 4, "camera_features", "must be 4")
        need(self.width > 0, "width", "must be positive")
        need(self.layers >= 2, "layers", "must be at least 2")
        need(self.resolution > 0, "resolution", "must be positive")
        need(0 <= self.strength <= 4, "strength", "must be in [0, 4]")
        need(self.dilations is None or (len(self.dilations) == self.layers and all(isinstance(d, int) and d >= 1 for d in self.dilations)),
             "dilations", "must be a list of `layers` positive integers")

    def dilation(self, i):
        return 1 if self.dilations is None else self.dilations[i]

    @staticmethod
    def load(path):
        with open(path) as f:
            raw = json.load(f)
        config = RefinerConfig(**{k: v for k, v in raw.items() if k in RefinerConfig.__dataclass_fields__})
        config.validate()
        return config

    def save(self, path):
        with open(path + ".tmp", "w") as f:
            fields = {k: v for k, v in asdict(self).items() if v is not None}
            json.dump({"format": "vid2world-orbit-refiner", **fields}, f, indent=2, sort_keys=True)
            f.write("\n")
        os.replace(path + ".tmp", path)


class Refiner(nn.Module):
    def __init__(self, config: RefinerConfig):
        super().__init__()
        config.validate()
        self.config = config
        sizes = [config.in_channels] + [config.width] * (config.layers - 1) + [config.channels]
        self.conv = nn.ModuleList([nn.Conv2d(a, b, 3, padding=config.dilation(i), dilation=config.dilation(i))
                                   for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:]))])
        nn.init.zeros_(self.conv[-1].weight)
        nn.init.zeros_(self.conv[-1].bias)

    def features(self, generated, image, cameras):
        """generated [B, V, C, H, W], image [B, C, H, W], cameras [B, V, 4] → [B·V, 2C+4, H, W]."""
        b, v, c, h, w = generated.shape
        x = generated.clamp(-1, 1).reshape(b * v, c, h, w)
        img = image[:, None].expand(b, v, c, h, w).reshape(b * v, c, h, w)
        cam = cameras.reshape(b * v, -1, 1, 1).expand(b * v, cameras.shape[-1], h, w)
        return torch.cat([x, img, cam], 1)

    def forward(self, generated, image, cameras):
        """The refined views, [B, V, C, H, W]."""
        b, v, c, h, w = generated.shape
        x = self.features(generated, image, cameras)
        y = x
        for i, conv in enumerate(self.conv):
            y = conv(y)
            if i + 1 < len(self.conv):
                y = F.silu(y)
        return (x[:, :c] + self.config.strength * y).reshape(b, v, c, h, w)


def save(model: Refiner, folder):
    from safetensors.torch import save_file
    os.makedirs(folder, exist_ok=True)
    tensors = {k: t.detach().float().contiguous().clone() for k, t in model.state_dict().items()}
    path = os.path.join(folder, WEIGHTS_NAME)
    save_file(tensors, path + ".tmp", metadata={"format": "vid2world-orbit-refiner", "version": "1"})
    os.replace(path + ".tmp", path)
    model.config.save(os.path.join(folder, CONFIG_NAME))


def load(path, strength=None):
    """A refiner from a folder (refiner.safetensors + refiner.json) or a train_refiner.py checkpoint;
    `strength` replaces the config's."""
    if os.path.isdir(path):
        from safetensors.torch import load_file
        model = Refiner(RefinerConfig.load(os.path.join(path, CONFIG_NAME)))
        model.load_state_dict(load_file(os.path.join(path, WEIGHTS_NAME)))
    else:
        state = torch.load(path, map_location="cpu", weights_only=False)
        model = Refiner(RefinerConfig(**state["config"]))
        model.load_state_dict(state["ema"] if "ema" in state else state["model"])
    if strength is not None:
        model.config.strength = strength
        model.config.validate()
    return model.eval()
