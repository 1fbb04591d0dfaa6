"""Draws a train.py loss.csv as a PNG (no plotting library needed: Pillow lines on a log-scale axis).

    python Tools/dit/plot_loss.py runs/tiny/loss.csv results/tiny-loss.png
Grey: training loss (as logged, averaged over the log interval; its weighting follows the run's
flags). Red dots: the EMA model's validation velocity loss on fixed held-out noise and times (the
same measure for every run). x: compute hours, y: loss, log scale.
"""
import argparse
import csv
import math
import os

from PIL import Image, ImageDraw

SIZE = (720, 420)
MARGIN = (64, 20, 20, 44)  # left, top, right, bottom


def read(path):
    train, val = [], []
    with open(path) as f:
        for row in csv.DictReader(f):
            hours = float(row["compute_s"]) / 3600
            if row["train_loss"]:
                train.append((hours, float(row["train_loss"])))
            if row["val_loss"]:
                val.append((hours, float(row["val_loss"])))
    return train, val


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("csv")
    p.add_argument("png")
    p.add_argument("--title", default="")
    args = p.parse_args()
    train, val = read(args.csv)
    points = train + val
    if not points:
        raise SystemExit(f"{args.csv}: no losses")
    x_max = max(x for x, _ in points) or 1.0
    lo = math.log10(min(y for _, y in points))
    hi = math.log10(max(y for _, y in points))
    lo, hi = math.floor(lo * 2) / 2, math.ceil(hi * 2) / 2 + (0.5 if hi == lo else 0)
    left, top, right, bottom = MARGIN
    w, h = SIZE[0] - left - right, SIZE[1] - top - bottom

    def at(x, y):
        return left + w * x / x_max, top + h * (hi - math.log10(y)) / (hi - lo)

    img = Image.new("RGB", SIZE, "white")
    d = ImageDraw.Draw(img)
    d.rectangle([left, top, left + w, top + h], outline="black")
    decade = lo
    while decade <= hi + 1e-9:
        _, y = at(0, 10 ** decade)
        d.line([left, y, left + w, y], fill=(225, 225, 225))
        d.text((4, y - 6), f"{10 ** decade:.3g}", fill="black")
        decade += 0.5
    for i in range(6):
        x = x_max * i / 5
        px, _ = at(x, 10 ** lo)
        d.text((px - 12, top + h + 6), f"{x:.2f}", fill="black")
    d.text((left + w // 2 - 60, SIZE[1] - 18), "compute hours", fill="black")
    d.text((left + 8, top + 4), args.title + "  grey: train loss, red: val velocity loss (EMA)", fill="black")
    if len(train) > 1:
        d.line([at(x, y) for x, y in train], fill=(120, 120, 120), width=1)
    for x, y in val:
        px, py = at(x, y)
        d.ellipse([px - 3, py - 3, px + 3, py + 3], fill=(200, 30, 30))
    if len(val) > 1:
        d.line([at(x, y) for x, y in val], fill=(200, 30, 30), width=1)
    img.save(args.png + ".tmp.png")
    os.replace(args.png + ".tmp.png", args.png)


if __name__ == "__main__":
    main()
