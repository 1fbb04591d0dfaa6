#!/usr/bin/env python3
"""The floor any user could write: one 3DGS training step's forward + backward written plainly in
PyTorch on the CPU (autograd, no custom kernels), timed per iteration.

Loads the splats of a fitted scene.ply (3DGS layout) and a camera of its cameras.json
(nerfstudio transforms), renders with the same model as the vid2world kernels (EWA projection
with the 0.3 px low-pass, degree-3 SH colour + 0.5 clamped at 0, 16×16 tiles, front-to-back
alpha compositing with alpha clamped to 0.99 and contributions below 1/255 skipped, white
background), takes the loss (1 - 0.2) L1 + 0.2 (1 - SSIM) (11×11 Gaussian window) against a
fixed target and back-propagates to every splat parameter. Prints `key value` lines.

  torch_splat.py SCENE.ply CAMERAS.json [--splats N] [--threads T] [--iterations I] [--view K] [--reference PNG]
"""
import argparse
import json
import sys
import time

import numpy as np
import torch


def read_ply(path):
    with open(path, "rb") as f:
        names, count = [], 0
        while True:
            line = f.readline().decode("ascii").strip()
            if line.startswith("element vertex"):
                count = int(line.split()[2])
            elif line.startswith("property float"):
                names.append(line.split()[2])
            elif line == "end_header":
                break
        data = np.frombuffer(f.read(4 * count * len(names)), dtype="<f4").reshape(count, len(names))
    col = {n: i for i, n in enumerate(names)}
    rest = sorted([n for n in names if n.startswith("f_rest_")], key=lambda n: int(n[7:]))
    coefs = len(rest) // 3 + 1
    sh = np.zeros((count, coefs, 3), dtype=np.float32)
    for c in range(3):
        sh[:, 0, c] = data[:, col[f"f_dc_{c}"]]
        for k in range(1, coefs):  # rest coefficients are channel-major
            sh[:, k, c] = data[:, col[rest[c * (coefs - 1) + k - 1]]]
    pick = lambda keys: data[:, [col[k] for k in keys]].copy()
    return (pick(["x", "y", "z"]), pick(["scale_0", "scale_1", "scale_2"]), pick(["rot_0", "rot_1", "rot_2", "rot_3"]),
            data[:, col["opacity"]].copy(), sh)


def read_camera(path, index):
    root = json.load(open(path))
    frame = root["frames"][index]
    get = lambda k: frame.get(k, root.get(k))
    c2w = np.array(frame["transform_matrix"], dtype=np.float64)
    rot = c2w[:3, :3] @ np.diag([1.0, -1.0, -1.0])  # OpenGL -> OpenCV camera axes
    w2c = rot.T
    t = -w2c @ c2w[:3, 3]
    return (torch.tensor(w2c, dtype=torch.float32), torch.tensor(t, dtype=torch.float32),
            float(get("fl_x")), float(get("fl_y")), float(get("cx")), float(get("cy")), int(get("w")), int(get("h")))


def sh_basis(d):
    x, y, z = d[:, 0], d[:, 1], d[:, 2]
    xx, yy, zz, xy, yz, xz = x * x, y * y, z * z, x * y, y * z, x * z
    return torch.stack([
        torch.full_like(x, 0.28209479177387814),
        -0.4886025119029199 * y, 0.4886025119029199 * z, -0.4886025119029199 * x,
        1.0925484305920792 * xy, -1.0925484305920792 * yz, 0.31539156525252005 * (2 * zz - xx - yy),
        -1.0925484305920792 * xz, 0.5462742152960396 * (xx - yy),
        -0.5900435899266435 * y * (3 * xx - yy), 2.890611442640554 * xy * z,
        -0.4570457994644658 * y * (4 * zz - xx - yy), 0.3731763325901154 * z * (2 * zz - 3 * xx - 3 * yy),
        -0.4570457994644658 * x * (4 * zz - xx - yy), 1.445305721320277 * z * (xx - yy),
        -0.5900435899266435 * x * (xx - 3 * yy)], dim=1)


def render(means, log_scales, quats, opacity_logits, sh, cam, tile=16, with_alpha=False):
    """The view over white, [H, W, 3]; with_alpha also returns the coverage 1 - T, [H, W]."""
    R, t, fx, fy, cx, cy, W, H = cam
    p = means @ R.T + t
    z = p[:, 2]
    valid = (z > 0.01).detach()
    zs = torch.where(valid, z, torch.ones_like(z))
    u, v = fx * p[:, 0] / zs + cx, fy * p[:, 1] / zs + cy
    q = quats / quats.norm(dim=1, keepdim=True)
    w, x, y, zq = q[:, 0], q[:, 1], q[:, 2], q[:, 3]
    rq = torch.stack([1 - 2 * (y * y + zq * zq), 2 * (x * y - w * zq), 2 * (x * zq + w * y),
                      2 * (x * y + w * zq), 1 - 2 * (x * x + zq * zq), 2 * (y * zq - w * x),
                      2 * (x * zq - w * y), 2 * (y * zq + w * x), 1 - 2 * (x * x + y * y)], dim=1).view(-1, 3, 3)
    m = rq * torch.exp(log_scales)[:, None, :]
    cov3 = m @ m.transpose(1, 2)
    zero = torch.zeros_like(zs)
    jac = torch.stack([torch.stack([fx / zs, zero, -fx * p[:, 0] / (zs * zs)], 1),
                       torch.stack([zero, fy / zs, -fy * p[:, 1] / (zs * zs)], 1)], 1)
    tm = jac @ R
    cov2 = tm @ cov3 @ tm.transpose(1, 2)
    a, b, c = cov2[:, 0, 0] + 0.3, cov2[:, 0, 1], cov2[:, 1, 1] + 0.3
    det = a * c - b * b
    conic = torch.stack([c / det, -b / det, a / det], 1)
    with torch.no_grad():
        mid = 0.5 * (a + c)
        radius = torch.ceil(3 * torch.sqrt(mid + torch.sqrt(torch.clamp(mid * mid - det, min=0.1))))
        valid = valid & (det > 0) & (u + radius > 0) & (u - radius < W) & (v + radius > 0) & (v - radius < H)
    centre = -R.T @ t
    dirs = means - centre
    dirs = dirs / dirs.norm(dim=1, keepdim=True)
    colour = torch.clamp((sh * sh_basis(dirs)[:, :sh.shape[1], None]).sum(1) + 0.5, min=0)
    opacity = torch.sigmoid(opacity_logits)
    bg = torch.ones(3)

    rows, alpha_rows = [], []
    for ty in range(0, H, tile):
        row, alpha_row = [], []
        for tx in range(0, W, tile):
            with torch.no_grad():
                hit = valid & (u + radius > tx) & (u - radius < tx + tile) & (v + radius > ty) & (v - radius < ty + tile)
                idx = torch.nonzero(hit).squeeze(1)
                idx = idx[torch.argsort(z[idx])]
            gy, gx = torch.meshgrid(torch.arange(ty, min(ty + tile, H)) + 0.5, torch.arange(tx, min(tx + tile, W)) + 0.5,
                                    indexing="ij")
            dx = gx.reshape(1, -1) - u[idx, None]
            dy = gy.reshape(1, -1) - v[idx, None]
            power = -0.5 * (conic[idx, 0, None] * dx * dx + conic[idx, 2, None] * dy * dy) - conic[idx, 1, None] * dx * dy
            alpha = torch.clamp(opacity[idx, None] * torch.exp(power), max=0.99)
            alpha = torch.where((power > 0) | (alpha < 1 / 255), torch.zeros_like(alpha), alpha)
            trans = torch.cumprod(torch.cat([torch.ones(1, alpha.shape[1]), 1 - alpha], 0), 0)
            pixel = ((alpha * trans[:-1])[:, :, None] * colour[idx, None, :]).sum(0) + trans[-1][:, None] * bg
            row.append(pixel.view(gy.shape[0], gy.shape[1], 3))
            alpha_row.append((1 - trans[-1]).view(gy.shape[0], gy.shape[1]))
        rows.append(torch.cat(row, 1))
        alpha_rows.append(torch.cat(alpha_row, 1))
    image = torch.cat(rows, 0)
    return (image, torch.cat(alpha_rows, 0)) if with_alpha else image


def ssim(x, y):
    g = torch.exp(-(torch.arange(11, dtype=torch.float32) - 5) ** 2 / (2 * 1.5 ** 2))
    g = g / g.sum()
    win = (g[:, None] * g[None, :]).expand(3, 1, 11, 11).contiguous()
    x, y = x.permute(2, 0, 1)[None], y.permute(2, 0, 1)[None]
    blur = lambda img: torch.nn.functional.conv2d(img, win, padding=5, groups=3)
    mx, my = blur(x), blur(y)
    sxx, syy, sxy = blur(x * x) - mx * mx, blur(y * y) - my * my, blur(x * y) - mx * my
    c1, c2 = 0.01 ** 2, 0.03 ** 2
    return (((2 * mx * my + c1) * (2 * sxy + c2)) / ((mx * mx + my * my + c1) * (sxx + syy + c2))).mean()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("ply")
    ap.add_argument("cameras")
    ap.add_argument("--splats", type=int, default=0)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--iterations", type=int, default=3)
    ap.add_argument("--view", type=int, default=0)
    ap.add_argument("--reference", help="the view's image (PNG, RGBA over white): prints the render's PSNR against it, "
                                        "a check that this model renders what vid2world fitted")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    means, scales, quats, opac, sh = read_ply(args.ply)
    if args.splats > 0:
        pick = (np.arange(args.splats) * len(means)) // args.splats
        means, scales, quats, opac, sh = means[pick], scales[pick], quats[pick], opac[pick], sh[pick]
    params = [torch.tensor(a, requires_grad=True) for a in (means, scales, quats, opac, sh)]
    cam = read_camera(args.cameras, args.view)
    gen = torch.Generator().manual_seed(0)
    target = torch.rand(cam[7], cam[6], 3, generator=gen)
    times = []
    for i in range(args.iterations + 1):  # the first one warms up and is not counted
        start = time.perf_counter()
        for p in params:
            p.grad = None
        image = render(*params, cam)
        loss = 0.8 * (image - target).abs().mean() + 0.2 * (1 - ssim(image, target))
        loss.backward()
        if i > 0:
            times.append(time.perf_counter() - start)
    if args.reference:
        import subprocess
        raw = subprocess.run(["ffmpeg", "-loglevel", "error", "-i", args.reference, "-f", "rawvideo", "-pix_fmt", "rgba", "-"],
                             check=True, capture_output=True).stdout
        rgba = torch.tensor(np.frombuffer(raw, dtype=np.uint8).reshape(cam[7], cam[6], 4).astype(np.float32) / 255)
        truth = rgba[:, :, :3] * rgba[:, :, 3:] + (1 - rgba[:, :, 3:])
        mse = float(((image.detach().clamp(0, 1) - truth) ** 2).mean())
        print(f"psnr_vs_reference {-10 * np.log10(mse):.2f}")
    print(f"torch_version {torch.__version__}")
    print(f"splats {len(means)}")
    print(f"threads {args.threads}")
    print(f"ms_per_iteration {1000 * sum(times) / len(times):.1f}")
    print(f"iterations_per_second {len(times) / sum(times):.3f}")
    print(f"checksum {float(params[0].grad.abs().sum()):.6g}")


if __name__ == "__main__":
    sys.exit(main())
