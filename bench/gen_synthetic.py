#!/usr/bin/env python3
"""Write a synthetic native scenario with random additive utilities (seeded), for scale benchmarks.

    python3 bench/gen_synthetic.py --parties 4 --issues 7 --values 10 --seed 1 > /tmp/big.toml

gives 10^7 packages. Parties' preferences on each issue are opposed for half the parties, so the
frontier is not trivial; reservation values are 0.3 so a zone exists.
"""

import argparse
import random


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--parties", type=int, default=2)
    ap.add_argument("--issues", type=int, default=6)
    ap.add_argument("--values", type=int, default=10)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--reservation", type=float, default=0.3)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    out = ["format_version = 1", "", "[scenario]", f'name = "synthetic {args.parties}x{args.issues}x{args.values}"', ""]
    for p in range(args.parties):
        out += [f"[parties.p{p}]", f'name = "Party {p}"', ""]
    for i in range(args.issues):
        values = ", ".join(f'"v{k}"' for k in range(args.values))
        out += [f"[issues.i{i}]", f'name = "Issue {i}"', 'type = "categorical"', f"values = [{values}]", ""]
    for p in range(args.parties):
        weights = [rng.random() for _ in range(args.issues)]
        total = sum(weights)
        out += [f"[preferences.p{p}]", f"reservation = {args.reservation}", "", f"[preferences.p{p}.weights]"]
        out += [f"i{i} = {w / total:.6f}" for i, w in enumerate(weights)]
        out.append("")
        for i in range(args.issues):
            out.append(f"[preferences.p{p}.values.i{i}]")
            for k in range(args.values):
                base = k / max(1, args.values - 1)
                score = base if p % 2 == 0 else 1 - base
                score = min(1.0, max(0.0, score + rng.gauss(0, 0.1)))
                out.append(f"v{k} = {score:.6f}")
            out.append("")
    print("\n".join(out))


if __name__ == "__main__":
    main()
