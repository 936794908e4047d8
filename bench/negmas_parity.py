#!/usr/bin/env python
"""Generate NegMAS parity fixtures for impasse's negotiation engine.

For each GENIUS domain listed below, this runs every ordered pair of
{Boulware, Linear, Conceder, NaiveTitForTat} in NegMAS 0.16.0's SAOMechanism
(for 100 and for 20 steps; every ordered triple, for 100 steps, on the three-party domain) and records, offer for offer, what NegMAS did:

- the outcome space (issue names and values, in NegMAS's enumeration order);
- each party's utility function exactly as NegMAS uses it: the domain is loaded
  with ``Scenario.from_genius_folder(ignore_discount=True)`` and normalised with
  ``normalize(common_range=False)``, as in ``../shared/peers/negmas_bench.py``;
  weights, value tables, bias and reserved value are written with ``repr`` so
  they round-trip bit for bit;
- the order in which NegMAS's presorting inverter sorts the outcomes
  (``numpy.argsort``, which is not stable: exactly tied utilities come out in a
  platform-dependent order that the offers depend on);
- per negotiation: the agreement, ``state.step``, and every offer (proposer,
  outcome).

The Rust test ``crates/impasse-negotiate/tests/parity.rs`` replays the same
negotiations and checks them offer for offer. NegMAS is not needed at test time.

Usage (from the repository root, after bench/setup-negmas.sh):

    bench/.venv/bin/python bench/negmas_parity.py [--out DIR] [--domains ROOT]
"""

from __future__ import annotations

import argparse
import copy
import itertools
import json
import sys
import warnings
from pathlib import Path

import numpy as np

warnings.filterwarnings("ignore")

import negmas  # noqa: E402
from negmas.inout import Scenario  # noqa: E402
from negmas.sao import (  # noqa: E402
    BoulwareTBNegotiator,
    ConcederTBNegotiator,
    LinearTBNegotiator,
    NaiveTitForTatNegotiator,
    SAOMechanism,
)

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent

DOMAINS = [
    "y2011/NiceOrDie",
    "y2012/FiftyFiftyA",
    "y2011/Laptop",
    "y2012/FlightBookingA",
    "y2012/BarterA",
    "y2010/ItexvsCypress",
    "y2012/AcquisitionA",
    "y2012/HouseKeepingA",
    "y2012/AirportSiteSelectionA",
    "y2010/EnglandZimbabwe",
    "y2012/BarbecueA",
    "y2012/GroceryA",
    "y2012/AmsterdamB",
    "y2012/CameraB",
    # Multilateral (stacked alternating offers with three parties): every ordered triple.
    "y2015/group2-politics",
]

#: Step deadlines per number of parties (the three-party domain is run for 100 steps only, to keep
#: the fixture small).
STEPS_FOR = {2: [100, 20], 3: [100]}

AGENTS = {
    "boulware": BoulwareTBNegotiator,
    "linear": LinearTBNegotiator,
    "conceder": ConcederTBNegotiator,
    "naive-tit-for-tat": NaiveTitForTatNegotiator,
}


def outcome_index(outcome, issues) -> int:
    index = 0
    for value, issue in zip(outcome, issues):
        index = index * len(issue["values"]) + issue["values"].index(value)
    return index


def ufun_tables(ufun, issues):
    values = []
    for issue, fun in zip(issues, ufun.values):
        values.append([float(fun(v)) for v in issue["values"]])
    return {
        "weights": [float(w) for w in ufun.weights],
        "values": values,
        "bias": float(getattr(ufun, "_bias", 0.0) or 0.0),
        "reserved": float(ufun.reserved_value),
    }


def sorted_orders(ufun, outcomes):
    """The orders NegMAS's presorting inverter produces (see presorting.py `init`)."""
    utils = [float(ufun.eval(o)) for o in outcomes]
    r = float(ufun.reserved_value)
    everything = np.argsort(np.asarray(utils, dtype=float).flatten())
    rational = [i for i, u in enumerate(utils) if u >= r]
    ur = np.asarray([utils[i] for i in rational], dtype=float).flatten()
    rational_sorted = [rational[i] for i in np.argsort(ur)]
    return [int(i) for i in everything], [int(i) for i in rational_sorted]


def run(scenario, agents, n_steps, issues):
    s = copy.deepcopy(scenario)
    m = SAOMechanism(outcome_space=s.outcome_space, n_steps=n_steps)
    for k, agent in enumerate(agents):
        m.add(AGENTS[agent](name=chr(ord("a") + k)), ufun=s.ufuns[k])
    st = m.run()
    # Every offer with the step it was made in, from the mechanism's history (`full_trace`
    # rewrites the step of its last element to the final step when it is the agreement).
    ids = [neg.id for neg in m.negotiators]
    offers = []
    for state in m._history:
        for negotiator, offer in state.new_offers:
            offers.append(
                [
                    ids.index(negotiator),
                    int(state.step),
                    None if offer is None else outcome_index(offer, issues),
                ]
            )
    return {
        "agents": list(agents),
        "n_steps": n_steps,
        "agreement": None if st.agreement is None else outcome_index(st.agreement, issues),
        "step": int(st.step),
        "timedout": bool(st.timedout),
        "broken": bool(st.broken),
        "offers": offers,
    }, m


def fixture(folder: Path, name: str):
    scenario = Scenario.from_genius_folder(folder, ignore_discount=True)
    scenario = scenario.normalize(common_range=False)
    issues = [
        {"name": i.name, "values": [v for v in i.all]} for i in scenario.outcome_space.issues
    ]
    outcomes = list(scenario.outcome_space.enumerate_or_sample())
    for k, o in enumerate(outcomes):
        assert outcome_index(o, issues) == k, "NegMAS enumerates with the last issue fastest"
    parties = []
    for ufun in scenario.ufuns:
        p = ufun_tables(ufun, issues)
        p["name"] = ufun.name
        everything, rational = sorted_orders(ufun, outcomes)
        p["order_all"] = everything
        if rational != everything:
            p["order_rational"] = rational
        parties.append(p)
    runs = []
    for n_steps in STEPS_FOR[len(scenario.ufuns)]:
        for agents in itertools.product(AGENTS, repeat=len(scenario.ufuns)):
            record, m = run(scenario, agents, n_steps, issues)
            # The live inverters must hold the orders written above.
            for k, neg in enumerate(m.negotiators):
                inv = getattr(getattr(neg, "_inverter", None), "recommender", None)
                inv = getattr(getattr(inv, "inv", None), "delegate", None)
                if inv is not None:
                    key = "order_rational" if "order_rational" in parties[k] else "order_all"
                    live = [outcome_index(o, issues) for o in inv.outcomes]
                    n = len(parties[k][key])
                    assert live[:n] == parties[k][key], f"{name}: inverter order differs"
            runs.append(record)
    return {
        "domain": name,
        "negmas": negmas.__version__,
        "numpy": np.__version__,
        "loading": "from_genius_folder(ignore_discount=True).normalize(common_range=False)",
        "issues": issues,
        "parties": parties,
        "runs": runs,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--out", type=Path, default=ROOT / "crates/impasse-negotiate/tests/data/negmas-parity"
    )
    parser.add_argument("--domains", type=Path, default=ROOT.parent / "shared/genius-domains")
    args = parser.parse_args()
    if negmas.__version__ != "0.16.0":
        print(f"warning: fixtures are meant for negmas 0.16.0, found {negmas.__version__}")
    args.out.mkdir(parents=True, exist_ok=True)
    for name in DOMAINS:
        data = fixture(args.domains / name, name)
        path = args.out / (name.replace("/", "-") + ".json")
        with open(path, "w") as f:
            json.dump(data, f, separators=(",", ":"))
            f.write("\n")
        agreed = sum(r["agreement"] is not None for r in data["runs"])
        print(f"{name}: {len(data['runs'])} negotiations, {agreed} agreements -> {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
