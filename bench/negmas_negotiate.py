#!/usr/bin/env python
"""Side by side: bilateral SAO negotiations per second in NegMAS 0.16.0 and in impasse.

For each domain and each ordered pair of {Boulware, Linear, Conceder, NaiveTitForTat}, this
times N negotiations of 100 steps in NegMAS (mechanism creation, ``add`` and ``run``, as in
``../shared/peers/negmas_bench.py``), then asks ``impasse negotiate --repetitions R --threads 1``
for its throughput on the same domain read with NegMAS's semantics (``--genius-semantics negmas``:
the same utility functions, bit for bit), and prints negotiations per second for both and the
ratio, and the ratio of steps per second (which does not depend on how long each negotiation is). It also prints whether both ended at the same step with the same agreement: they do unless
exactly tied utilities are sorted differently (NegMAS sorts with numpy's unstable argsort, impasse
keeps ties in enumeration order; ``crates/impasse-negotiate/tests/parity.rs`` replays NegMAS's
own order offer for offer).

Usage (from the repository root, after bench/setup-negmas.sh and
``cargo build --release -p impasse-cli``):

    bench/.venv/bin/python bench/negmas_negotiate.py [--n 5] [--reps 20000] [--threads 1]
"""

from __future__ import annotations

import argparse
import json
import math
import subprocess
import sys
import time
import warnings
from pathlib import Path

warnings.filterwarnings("ignore")

from negmas.inout import Scenario  # noqa: E402
from negmas.sao import (  # noqa: E402
    BoulwareTBNegotiator,
    ConcederTBNegotiator,
    LinearTBNegotiator,
    NaiveTitForTatNegotiator,
    SAOMechanism,
)

ROOT = Path(__file__).resolve().parent.parent
DOMAINS = ["y2012/CameraB", "y2012/GroceryA", "y2012/AmsterdamB", "y2010/EnglandZimbabwe"]
AGENTS = {
    "boulware": BoulwareTBNegotiator,
    "linear": LinearTBNegotiator,
    "conceder": ConcederTBNegotiator,
    "naive-tit-for-tat": NaiveTitForTatNegotiator,
}


def outcome_index(outcome, issues):
    index = 0
    for value, issue in zip(outcome, issues):
        values = list(issue.all)
        index = index * len(values) + values.index(value)
    return index


def negmas_rate(folder: Path, a: str, b: str, n: int, steps: int):
    scenario = Scenario.from_genius_folder(folder, ignore_discount=True)
    scenario = scenario.normalize(common_range=False)
    times, last, steps_total = [], None, 0
    for _ in range(n):
        t0 = time.perf_counter()
        m = SAOMechanism(outcome_space=scenario.outcome_space, n_steps=steps)
        m.add(AGENTS[a](name="a"), ufun=scenario.ufuns[0])
        m.add(AGENTS[b](name="b"), ufun=scenario.ufuns[1])
        st = m.run()
        times.append(time.perf_counter() - t0)
        steps_total += int(st.step)
        agreement = None
        if st.agreement is not None:
            agreement = outcome_index(st.agreement, scenario.outcome_space.issues)
        last = (int(st.step), agreement)
    return n / sum(times), steps_total / sum(times), last


def impasse_rate(binary: Path, folder: Path, a: str, b: str, reps: int, steps: int, threads: int):
    cmd = [
        str(binary), "negotiate", str(folder), "--genius-semantics", "negmas",
        "--agents", f"{a},{b}", "--steps", str(steps), "--repetitions", str(reps),
        "--threads", str(threads), "--format", "json",
    ]
    out = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)
    t = out["throughput"]
    return t["negotiations_per_second"], t["steps_per_second"], (out["steps"], out["agreement_index"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=5, help="NegMAS negotiations per pair")
    parser.add_argument("--reps", type=int, default=20000, help="impasse negotiations per pair")
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--domains", nargs="*", default=DOMAINS)
    parser.add_argument("--root", type=Path, default=ROOT.parent / "shared/genius-domains")
    parser.add_argument("--impasse", type=Path, default=ROOT / "target/release/impasse")
    args = parser.parse_args()
    if not args.impasse.exists():
        print(f"build impasse first: cargo build --release -p impasse-cli ({args.impasse})")
        return 2
    print(
        f"{'domain':<24} {'pair':<34} {'NegMAS/s':>9} {'impasse/s':>11} {'ratio':>8} "
        f"{'steps ratio':>11}  same"
    )
    ratios, step_ratios = [], []
    for domain in args.domains:
        folder = args.root / domain
        for a in AGENTS:
            for b in AGENTS:
                theirs, their_steps, their_end = negmas_rate(folder, a, b, args.n, args.steps)
                ours, our_steps, our_end = impasse_rate(
                    args.impasse, folder, a, b, args.reps, args.steps, args.threads
                )
                ratios.append(ours / theirs)
                step_ratios.append(our_steps / their_steps)
                same = "yes" if tuple(their_end) == tuple(our_end) else f"no {their_end} {our_end}"
                print(
                    f"{domain:<24} {a + ' vs ' + b:<34} {theirs:>9.1f} {ours:>11.0f} "
                    f"{ours / theirs:>8.0f} {our_steps / their_steps:>11.0f}  {same}",
                    flush=True,
                )
    def geo(xs):
        return math.exp(sum(math.log(x) for x in xs) / len(xs))

    print(f"\nnegotiations/s: geometric mean ratio over {len(ratios)} pairings {geo(ratios):.0f}x "
          f"(min {min(ratios):.0f}x, max {max(ratios):.0f}x)")
    print(f"steps/s:        geometric mean ratio {geo(step_ratios):.0f}x "
          f"(min {min(step_ratios):.0f}x, max {max(step_ratios):.0f}x); impasse on {args.threads} thread(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
