"""Image-to-orbit diffusion transformer (DiT lineage), the reference the Swift `Generate` module matches.

Tokens: every target view (and the clean input image) is cut into p×p patches and linearly embedded;
fixed sin-cos position embeddings over (view, row, column) are added, view 0 being the input image.
Each target view gets its camera (relative azimuth / elevation as sin-cos features, through an MLP)
added to its tokens. The diffusion time enters every block through adaLN-Zero. Attention is full
over the clip, or factorised: even blocks attend within a view, odd blocks across views at the same
patch position. Objective: rectified flow, x_t = (1 - t) x_0 + t ε, the network predicts the
velocity v = ε - x_0, or (config.prediction = "x0") the clean views x_0, turned into the velocity
v = (x_t - x_0) / t so that a small network need not carry the noise through. The sampler
integrates from t = 1 (noise) to t = 0 with Euler steps.
Classifier-free guidance: the input image's tokens are replaced by a learned null token.

Layout conventions the Swift side relies on (see Sources/Generate):
- images are [channels, height, width] in [-1, 1] (pixel value × 2 - 1);
- patch vectors are ordered (row-in-patch, column-in-patch, channel);
- tokens are ordered (view, patch row, patch column);
- Linear weights are [out, in] as PyTorch stores them.
"""
import json
import math
from dataclasses import asdict, dataclass

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


@dataclass
class DiTConfig:
    resolution: int = 32        # views are resolution × resolution
    channels: int = 4           # 3 = RGB, 4 = RGBA (alpha is the silhouette)
    patch: int = 4
    views: int = 8              # target views per clip
    width: int = 128            # token width D
    depth: int = 4
    heads: int = 4
    mlp_ratio: float = 4.0
    attention: str = "factorised"   # "full" or "factorised"
    prediction: str = "velocity"    # what the network outputs: "velocity" or "x0" (the clean views)
    camera_features: int = 4    # sin Δaz, cos Δaz, sin Δel, cos Δel
    frequency_dim: int = 256    # sinusoidal timestep features before the MLP
    guidance: float = 2.0       # default classifier-free guidance scale
    steps: int = 25             # default Euler steps
    # Sampler settings (absent from older configs: these defaults are the old sampler).
    noise_scale: float = 1.0    # the starting noise is noise_scale · ε (a temperature below 1 trades variety for fewer wild guesses)
    readout_t: float = 0.0      # integrate from t = 1 down to readout_t, then return the clean-view estimate x − t·v there
    samples: int = 1            # clips sampled from independent noise and averaged (an estimate of the posterior mean)
    # The camera rig of the training renders (data.py): the generated views are seen from
    # cameras at this distance and field of view, on an orbit at this elevation (degrees).
    camera_radius: float = 3.2
    camera_fov: float = 40.0
    orbit_elevation: float = 20.0

    def validate(self):
        def need(ok, field, reason):
            if not ok:
                raise ValueError(f"config field '{field}': {reason}")
        need(self.resolution > 0 and self.resolution % self.patch == 0, "resolution", "must be a positive multiple of patch")
        need(self.channels in (3, 4), "channels", "must be 3 or 4")
        need(self.views >= 1, "views", "must be at least 1")
        need(self.width % 16 == 0 and self.width > 0, "width", "must be a positive multiple of 16")
        need(self.heads > 0 and self.width % self.heads == 0, "heads", "must divide width")
        need(self.depth >= 1, "depth", "must be at least 1")
        need(self.attention in ("full", "factorised"), "attention", "must be 'full' or 'factorised'")
        need(self.prediction in ("velocity", "x0"), "prediction", "must be 'velocity' or 'x0'")
        need(self.camera_features == 4, "camera_features", "must be 4")
        need(self.frequency_dim % 2 == 0, "frequency_dim", "must be even")
        need(int(self.width * self.mlp_ratio) > 0, "mlp_ratio", "must give a positive hidden size")
        need(self.noise_scale > 0, "noise_scale", "must be positive")
        need(0 <= self.readout_t < 1, "readout_t", "must be in [0, 1)")
        need(isinstance(self.samples, int) and 1 <= self.samples <= 256, "samples", "must be an integer from 1 to 256")
        need(self.camera_radius > 0, "camera_radius", "must be positive")
        need(0 < self.camera_fov < 180, "camera_fov", "must be between 0 and 180 degrees")
        need(-90 < self.orbit_elevation < 90, "orbit_elevation", "must be between -90 and 90 degrees")

    @property
    def grid(self):
        return self.resolution // self.patch

    @property
    def hidden(self):
        return int(self.width * self.mlp_ratio)

    @staticmethod
    def load(path):
        with open(path) as f:
            raw = json.load(f)
        known = {k: v for k, v in raw.items() if k in DiTConfig.__dataclass_fields__}
        config = DiTConfig(**known)
        config.validate()
        return config

    def save(self, path):
        with open(path, "w") as f:
            json.dump(asdict(self), f, indent=2, sort_keys=True)
            f.write("\n")


# ---------------------------------------------------------------- fixed embeddings (float64, then float32)

def sincos_1d(dim, positions):
    """[len(positions), dim]: sin of pos·ω_k then cos, ω_k = 10000^(-k / (dim/2))."""
    omega = 1.0 / 10000 ** (np.arange(dim // 2, dtype=np.float64) / (dim / 2))
    args = np.outer(np.asarray(positions, dtype=np.float64), omega)
    return np.concatenate([np.sin(args), np.cos(args)], axis=1)


def position_embedding(width, views, grid):
    """[(views + 1) · grid², width]: view axis gets width/4 dims, rows and columns 3·width/8 each."""
    dv = width // 4
    dr = (width - dv) // 2
    v, r, c = np.meshgrid(np.arange(views + 1), np.arange(grid), np.arange(grid), indexing="ij")
    emb = np.concatenate([sincos_1d(dv, v.ravel()), sincos_1d(dr, r.ravel()), sincos_1d(dr, c.ravel())], axis=1)
    return torch.from_numpy(emb.astype(np.float32))


def timestep_features(t, dim):
    """DiT's frequency embedding of t·1000 ([cos, sin], max period 10000), computed in float64."""
    half = dim // 2
    freqs = torch.exp(-math.log(10000.0) * torch.arange(half, dtype=torch.float64) / half)
    args = (t.double() * 1000.0)[:, None] * freqs[None]
    return torch.cat([torch.cos(args), torch.sin(args)], dim=1).float()


def camera_features(relative_azimuth_deg, relative_elevation_deg):
    """[n, 4] per target view: sin Δaz, cos Δaz, sin Δel, cos Δel (degrees in, float64 maths)."""
    az = np.radians(np.asarray(relative_azimuth_deg, dtype=np.float64))
    el = np.radians(np.asarray(relative_elevation_deg, dtype=np.float64))
    return np.stack([np.sin(az), np.cos(az), np.sin(el), np.cos(el)], axis=-1).astype(np.float32)


def patchify(x, p):
    """[B, N, C, H, W] → [B, N·(H/p)·(W/p), p·p·C], patch vectors ordered (row, column, channel)."""
    b, n, c, h, w = x.shape
    x = x.reshape(b, n, c, h // p, p, w // p, p)
    x = x.permute(0, 1, 3, 5, 4, 6, 2)
    return x.reshape(b, n * (h // p) * (w // p), p * p * c)


def unpatchify(tokens, n, c, h, w, p):
    b = tokens.shape[0]
    x = tokens.reshape(b, n, h // p, w // p, p, p, c)
    x = x.permute(0, 1, 6, 2, 4, 3, 5)
    return x.reshape(b, n, c, h, w)


# x0-prediction turns the network's clean-view estimate into a velocity, v = (x_t - x0) / t, with t
# held at least this far from 0 so that the last steps stay finite.
MIN_T = 0.05


def modulate(x, shift, scale):
    return x * (1 + scale.unsqueeze(1)) + shift.unsqueeze(1)


# ---------------------------------------------------------------- layers

class Attention(nn.Module):
    def __init__(self, width, heads):
        super().__init__()
        self.heads = heads
        self.qkv = nn.Linear(width, 3 * width)
        self.proj = nn.Linear(width, width)

    def forward(self, x):
        """x: [G, L, D] — attention within each of the G groups."""
        g, l, d = x.shape
        qkv = self.qkv(x).reshape(g, l, 3, self.heads, d // self.heads).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        scores = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(d // self.heads))
        out = scores.softmax(dim=-1) @ v
        return self.proj(out.transpose(1, 2).reshape(g, l, d))


class Block(nn.Module):
    """Pre-norm transformer block with adaLN-Zero: c gives shift, scale and gate for both branches."""

    def __init__(self, config, axis):
        super().__init__()
        d = config.width
        self.axis = axis  # "full", "spatial" or "temporal"
        self.norm1 = nn.LayerNorm(d, elementwise_affine=False, eps=1e-6)
        self.attn = Attention(d, config.heads)
        self.norm2 = nn.LayerNorm(d, elementwise_affine=False, eps=1e-6)
        self.mlp = nn.Sequential(nn.Linear(d, config.hidden), nn.GELU(approximate="tanh"), nn.Linear(config.hidden, d))
        self.adaLN = nn.Sequential(nn.SiLU(), nn.Linear(d, 6 * d))

    def attend(self, x, frames):
        b, n, d = x.shape
        per = n // frames
        if self.axis == "full":
            return self.attn(x)
        if self.axis == "spatial":
            return self.attn(x.reshape(b * frames, per, d)).reshape(b, n, d)
        y = x.reshape(b, frames, per, d).transpose(1, 2).reshape(b * per, frames, d)
        y = self.attn(y)
        return y.reshape(b, per, frames, d).transpose(1, 2).reshape(b, n, d)

    def forward(self, x, c, frames):
        shift1, scale1, gate1, shift2, scale2, gate2 = self.adaLN(c).chunk(6, dim=1)
        x = x + gate1.unsqueeze(1) * self.attend(modulate(self.norm1(x), shift1, scale1), frames)
        x = x + gate2.unsqueeze(1) * self.mlp(modulate(self.norm2(x), shift2, scale2))
        return x


class FinalLayer(nn.Module):
    def __init__(self, config):
        super().__init__()
        d = config.width
        self.norm = nn.LayerNorm(d, elementwise_affine=False, eps=1e-6)
        self.adaLN = nn.Sequential(nn.SiLU(), nn.Linear(d, 2 * d))
        self.linear = nn.Linear(d, config.patch * config.patch * config.channels)

    def forward(self, x, c):
        shift, scale = self.adaLN(c).chunk(2, dim=1)
        return self.linear(modulate(self.norm(x), shift, scale))


class DiT(nn.Module):
    def __init__(self, config: DiTConfig):
        super().__init__()
        config.validate()
        self.config = config
        d, p, c = config.width, config.patch, config.channels
        self.target_embed = nn.Linear(p * p * c, d)
        self.input_embed = nn.Linear(p * p * c, d)
        self.null_input = nn.Parameter(torch.zeros(d))
        self.time_mlp = nn.Sequential(nn.Linear(config.frequency_dim, d), nn.SiLU(), nn.Linear(d, d))
        self.camera_mlp = nn.Sequential(nn.Linear(config.camera_features, d), nn.SiLU(), nn.Linear(d, d))
        if config.attention == "full":
            axes = ["full"] * config.depth
        else:
            axes = ["spatial" if i % 2 == 0 else "temporal" for i in range(config.depth)]
        self.blocks = nn.ModuleList([Block(config, a) for a in axes])
        self.final = FinalLayer(config)
        self.register_buffer("pos", position_embedding(d, config.views, config.grid), persistent=False)
        self.initialize()

    def initialize(self):
        def xavier(m):
            if isinstance(m, nn.Linear):
                nn.init.xavier_uniform_(m.weight)
                nn.init.zeros_(m.bias)
        self.apply(xavier)
        nn.init.normal_(self.null_input, std=0.02)
        for mlp in (self.time_mlp, self.camera_mlp):
            nn.init.normal_(mlp[0].weight, std=0.02)
            nn.init.normal_(mlp[2].weight, std=0.02)
        # adaLN-Zero: every residual branch and the output start at zero.
        for block in self.blocks:
            nn.init.zeros_(block.adaLN[-1].weight)
            nn.init.zeros_(block.adaLN[-1].bias)
        nn.init.zeros_(self.final.adaLN[-1].weight)
        nn.init.zeros_(self.final.adaLN[-1].bias)
        nn.init.zeros_(self.final.linear.weight)
        nn.init.zeros_(self.final.linear.bias)

    def velocity(self, x_t, t, image, cameras, drop_input=None):
        """The rectified-flow velocity, whatever the network predicts (config.prediction)."""
        out = self.forward(x_t, t, image, cameras, drop_input)
        if self.config.prediction == "velocity":
            return out
        return (x_t - out) / t.clamp_min(MIN_T)[:, None, None, None, None]

    def forward(self, x_t, t, image, cameras, drop_input=None):
        """The network's output for noisy target views: their velocity, or their clean views.

        x_t: [B, V, C, H, W]; t: [B] in [0, 1]; image: [B, C, H, W] (clean input view);
        cameras: [B, V, 4] camera features; drop_input: [B] bool, True → the null token replaces the image.
        """
        cfg = self.config
        b, v = x_t.shape[:2]
        per = cfg.grid * cfg.grid
        targets = self.target_embed(patchify(x_t, cfg.patch))                       # [B, V·per, D]
        targets = targets + self.camera_mlp(cameras).repeat_interleave(per, dim=1)
        inputs = self.input_embed(patchify(image.unsqueeze(1), cfg.patch))          # [B, per, D]
        if drop_input is not None:
            inputs = torch.where(drop_input[:, None, None], self.null_input.expand_as(inputs), inputs)
        x = torch.cat([inputs, targets], dim=1) + self.pos[: (v + 1) * per]
        c = self.time_mlp(timestep_features(t, cfg.frequency_dim))
        for block in self.blocks:
            x = block(x, c, v + 1)
        out = self.final(x[:, per:], c)
        return unpatchify(out, v, cfg.channels, cfg.resolution, cfg.resolution, cfg.patch)

    def guided_velocity(self, x_t, t, image, cameras, guidance):
        """Classifier-free guidance: v_uncond + g · (v_cond − v_uncond), both in one batch."""
        b = x_t.shape[0]
        drop = torch.cat([torch.zeros(b, dtype=torch.bool), torch.ones(b, dtype=torch.bool)])
        both = self.velocity(torch.cat([x_t, x_t]), torch.cat([t, t]), torch.cat([image, image]),
                            torch.cat([cameras, cameras]), drop)
        cond, uncond = both[:b], both[b:]
        return uncond + guidance * (cond - uncond)

    @torch.no_grad()
    def sample(self, noise, image, cameras, steps, guidance, noise_scale=None, readout_t=None):
        """Euler integration of dx/dt = v from t = 1 down to t = readout_t on the grid
        t_i = 1 − (i/steps)(1 − readout_t), starting from noise_scale · noise; when readout_t > 0 one
        more (guided) call reads out the clean views there, x − t·v (an Euler step to t = 0).
        noise_scale / readout_t default to the config's; 1 and 0 are the plain sampler."""
        noise_scale = self.config.noise_scale if noise_scale is None else noise_scale
        readout_t = self.config.readout_t if readout_t is None else readout_t
        x = noise if noise_scale == 1.0 else noise * noise_scale
        b = x.shape[0]

        def vel(x, t):
            tt = torch.full((b,), t, dtype=torch.float32)
            if guidance == 1.0:
                return self.velocity(x, tt, image, cameras)
            return self.guided_velocity(x, tt, image, cameras, guidance)

        span = 1.0 - readout_t
        for i in range(steps):
            t = 1.0 - i * span / steps
            t_next = 1.0 - (i + 1) * span / steps
            x = x + (t_next - t) * vel(x, t)
        if readout_t > 0:
            x = x - readout_t * vel(x, readout_t)
        return x
