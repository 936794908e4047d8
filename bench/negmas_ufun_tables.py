#!/usr/bin/env python
"""Dump NegMAS 0.16.0's normalised utility functions of a GENIUS folder as JSON.

The output is the oracle for impasse's `GeniusSemantics::Negmas` loading mode
(`impasse_format::load_genius_folder_with`): the scenario is loaded with

    Scenario.from_genius_folder(folder, ignore_discount=True).normalize(common_range=False)

and, per utility function (party, in NegMAS's sorted file order), the script writes its weights,
its per-issue value tables (every value of the issue, in the domain's order, with the value
function's output), its bias and its reserved value. Floats are written with Python's `repr`
(through `json.dumps`), which round-trips exactly, so the Rust test can check bit-identity.

Run from the repository root, after `bench/setup-negmas.sh`:

    bench/.venv/bin/python bench/negmas_ufun_tables.py ../shared/genius-domains/y2012/CameraB
    bench/.venv/bin/python bench/negmas_ufun_tables.py FOLDER --out FILE.json

Only linear-additive utility functions (what NegMAS builds from discrete and integer GENIUS
profiles) are supported; anything else is an error.
"""

from __future__ import annotations

import argparse
import json
import sys
import warnings
from pathlib import Path


def tables(folder: Path) -> dict:
    from negmas.inout import Scenario
    from negmas.preferences.crisp.linear import LinearAdditiveUtilityFunction

    scenario = Scenario.from_genius_folder(folder, ignore_discount=True)
    if scenario is None:
        raise SystemExit(f"NegMAS cannot load {folder}")
    scenario = scenario.normalize(common_range=False)
    issues = list(scenario.outcome_space.issues)
    parties = []
    for ufun in scenario.ufuns:
        if not isinstance(ufun, LinearAdditiveUtilityFunction):
            raise SystemExit(
                f"{ufun.name}: a {type(ufun).__name__}, not a LinearAdditiveUtilityFunction"
            )
        values = []
        for issue, fun in zip(issues, ufun.values):
            values.append([[str(value), float(fun(value))] for value in issue.all])
        parties.append(
            {
                "name": ufun.name,
                "weights": [float(w) for w in ufun.weights],
                "values": values,
                "bias": float(ufun._bias),
                "reserved_value": float(ufun.reserved_value),
            }
        )
    import negmas

    return {
        "source": "negmas " + negmas.__version__ + ": Scenario.from_genius_folder(folder, "
        "ignore_discount=True).normalize(common_range=False)",
        "folder": folder.name,
        "issues": [issue.name for issue in issues],
        "parties": parties,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("folder", type=Path, help="a GENIUS domain folder")
    parser.add_argument("--out", type=Path, help="write here instead of standard output")
    args = parser.parse_args()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        data = tables(args.folder)
    text = json.dumps(data, indent=1, ensure_ascii=False) + "\n"
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main()
