"""The refiner's strength (its residual's scale) on stored sampler outputs: one JSON line per strength.

    python Tools/dit/sweep_refiner.py --refiner /work/dit-runs/refiner-d/last \
        --pairs /work/dit-data/refine-val --first 50 0 0.25 0.5 0.75 1
Scores (evaluate.scores: PSNR, SSIM, IoU, sharpness ratio, all and turned views) of the refined
views of the pairs from object --first on (refine_pairs.py; for the held-out set made with --seed 0
these are exactly evaluate.py's samples). Strength 0 is the unrefined sample. Tune on objects
50–63; 0–49 are the reported ones.
"""
import argparse
import json

import torch

import refiner as R
from evaluate import scores
from train_refiner import load_pairs


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--refiner", required=True)
    p.add_argument("--pairs", required=True)
    p.add_argument("--first", type=int, default=50)
    p.add_argument("--last", type=int)
    p.add_argument("--out", help="append the lines here too")
    p.add_argument("strengths", nargs="+", type=float)
    args = p.parse_args()
    torch.set_num_threads(1)
    gen, img, truth, cams = load_pairs(args.pairs, args.first, args.last)
    for s in args.strengths:
        model = R.load(args.refiner, s)
        with torch.no_grad():
            out = model(gen, img, cams)
        r = scores(out, truth)
        r.pop("per_view")
        line = json.dumps({"refiner": args.refiner, "strength": s, "objects": len(gen), "first": args.first, **r})
        print(line, flush=True)
        if args.out:
            with open(args.out, "a") as f:
                f.write(line + "\n")


if __name__ == "__main__":
    main()
