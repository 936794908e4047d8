#!/usr/bin/env python3
"""The Python package side by side with NegMAS 0.16 and with the CLI.

1. Negotiations per second of one Python strategy played in impasse (`impasse.Agent`) and as a
   NegMAS `SAONegotiator`, both sides the same Python code, on the same GENIUS domain read with
   NegMAS's semantics (so both frameworks see the same utilities), 100 steps.
2. `impasse.analyze` called from Python against `impasse time` (the analysis alone, timed inside
   the CLI's process) on the same domain and on a synthetic 10^6-package scenario
   (bench/gen_synthetic.py, written to bench/out/); `impasse.analyze` returns once the analysis is
   done and builds the report on first use, so it is also timed with the report built and decoded
   (`.verdict`).

Run from the repository root, in a venv with the package, negmas==0.16.0 and a release CLI:

    pip install ./crates/impasse-py negmas==0.16.0
    cargo build --release -p impasse-cli
    python bench/python_agent.py [--domain DIR] [--n 30] [--impasse target/release/impasse]

It prints Markdown rows for docs/performance.md.
"""

from __future__ import annotations

import argparse
import bisect
import json
import os
import subprocess
import sys
import time
import warnings
from pathlib import Path

import impasse

warnings.filterwarnings("ignore")

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DOMAIN = REPO / "crates/impasse-format/tests/data/genius/y2012/CameraB"


class Logic:
    """The strategy both frameworks run: a linear time-based concession.

    At relative time t the target utility is best - (best - reservation) * t. The agent offers the
    outcome whose utility is the lowest at or above the target, and accepts an offer worth at
    least the target. `utility(outcome)` and `outcomes` come from the framework.
    """

    def __init__(self, utility, outcomes, reservation):
        ranked = sorted(outcomes, key=utility)
        self.utility = utility
        self.ranked = ranked
        self.utils = [utility(o) for o in ranked]
        self.best = self.utils[-1]
        self.reservation = max(reservation, self.utils[0])

    def target(self, t):
        return self.best - (self.best - self.reservation) * t

    def offer(self, t):
        i = bisect.bisect_left(self.utils, self.target(t))
        return self.ranked[min(i, len(self.ranked) - 1)]

    def accepts(self, offer, t):
        return self.utility(offer) >= self.target(t)


class ImpasseLinear(impasse.Agent):
    """`Logic` as an impasse agent."""

    def __init__(self):
        self.logic = None

    def _logic(self, state):
        if self.logic is None:
            self.logic = Logic(state.utility, state.outcomes(), state.reservation)
        return self.logic

    def propose(self, state):
        return self._logic(state).offer(state.relative_time)

    def respond(self, state, offer):
        return "accept" if self._logic(state).accepts(offer, state.relative_time) else "reject"


def negmas_linear_class():
    from negmas.sao import ResponseType, SAONegotiator

    class NegmasLinear(SAONegotiator):
        """`Logic` as a NegMAS SAO negotiator."""

        logic = None

        def _logic(self):
            if self.logic is None:
                outcomes = list(self.nmi.outcome_space.enumerate_or_sample())
                reserved = self.ufun.reserved_value
                self.logic = Logic(self.ufun, outcomes, -1e300 if reserved is None else reserved)
            return self.logic

        def propose(self, state, dest=None):
            return self._logic().offer(state.relative_time)

        def respond(self, state, source=None):
            offer = state.current_offer
            if offer is not None and self._logic().accepts(offer, state.relative_time):
                return ResponseType.ACCEPT_OFFER
            return ResponseType.REJECT_OFFER

    return NegmasLinear


def impasse_rate(scenario, n, steps):
    start = time.perf_counter()
    last = None
    for _ in range(n):
        last = impasse.negotiate(scenario, agents=[ImpasseLinear(), ImpasseLinear()], steps=steps)
    seconds = time.perf_counter() - start
    return n / seconds, last


def negmas_rate(folder, n, steps):
    from negmas.inout import Scenario
    from negmas.sao import SAOMechanism

    scenario = Scenario.from_genius_folder(folder, ignore_discount=True)
    scenario = scenario.normalize(common_range=False)
    cls = negmas_linear_class()
    start = time.perf_counter()
    last = None
    for _ in range(n):
        m = SAOMechanism(outcome_space=scenario.outcome_space, n_steps=steps)
        m.add(cls(name="a"), ufun=scenario.ufuns[0])
        m.add(cls(name="b"), ufun=scenario.ufuns[1])
        last = m.run()
    seconds = time.perf_counter() - start
    return n / seconds, last


def best_of(n, work):
    best = float("inf")
    for _ in range(n):
        t0 = time.perf_counter()
        work()
        best = min(best, time.perf_counter() - t0)
    return best


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--domain", type=Path, default=DEFAULT_DOMAIN)
    parser.add_argument("--n", type=int, default=30, help="negotiations per framework")
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=20, help="analysis runs, best of")
    target = Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))
    parser.add_argument("--impasse", type=Path, default=target / "release" / "impasse")
    args = parser.parse_args()

    scenario = impasse.load(args.domain, genius_semantics="negmas")
    impasse_rate(scenario, 2, args.steps)  # warm-up
    ours, mine = impasse_rate(scenario, args.n, args.steps)
    theirs, st = negmas_rate(args.domain, args.n, args.steps)
    print(f"| domain | outcomes | impasse neg/s | NegMAS neg/s | ratio | impasse steps, agreement | "
          f"NegMAS steps, agreement |")
    print("|---|---|---|---|---|---|---|")
    print(f"| {args.domain.name} | {scenario.n_outcomes:,} | {ours:.1f} | {theirs:.1f} | "
          f"{ours / theirs:.2f}× | {mine.steps}, {mine.agreement is not None} | "
          f"{int(st.step)}, {st.agreement is not None} |")

    big = REPO / "bench" / "out" / "synthetic-1e6.toml"
    big.parent.mkdir(parents=True, exist_ok=True)
    with open(big, "w") as out:
        subprocess.run([sys.executable, str(REPO / "bench" / "gen_synthetic.py"), "--parties", "2",
                        "--issues", "6", "--values", "10", "--seed", "1"], stdout=out, check=True)
    print()
    print("| scenario | outcomes | `impasse time` analysis ms | `impasse.analyze` from Python ms | "
          "ratio | with the report decoded ms | ratio |")
    print("|---|---|---|---|---|---|---|")
    for path, repeat in [(args.domain, args.repeat), (big, 5)]:
        loaded = impasse.load(path)
        impasse.analyze(loaded)
        py_ms = best_of(repeat, lambda: impasse.analyze(loaded)) * 1e3
        report_ms = best_of(repeat, lambda: impasse.analyze(loaded).verdict) * 1e3
        out = subprocess.run([str(args.impasse), "time", str(path), "--repeat", str(repeat)],
                             capture_output=True, text=True, check=True)
        cli_ms = json.loads(out.stdout)["analysis_ms"]
        print(f"| {path.name} | {loaded.n_outcomes:,} | {cli_ms:.3f} | {py_ms:.3f} | "
              f"{py_ms / cli_ms:.2f}× | {report_ms:.3f} | {report_ms / cli_ms:.2f}× |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
