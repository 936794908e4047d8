"""dynamics, tournament and export from Python: `to_dict()` equals the CLI's output, and a Python
agent plays in a tournament to the outcome worked out by hand."""

import json
import subprocess

import pytest

import impasse
from conftest import DATA, GENIUS, REPO, SCENARIOS, cli_path

SEED = REPO / "scenarios" / "negotiation-impasse-2023.toml"
POWER = REPO / "scenarios" / "power-shift-ripeness.toml"
PRICE = REPO / "scenarios" / "distributive-price.toml"
ORACLE = DATA / "oracle.toml"


@pytest.mark.parametrize("path", [SEED, POWER], ids=lambda p: p.name)
def test_dynamics_equals_cli(cli, path):
    result = impasse.dynamics(path, runs=500, seed=4)
    assert result.to_dict() == cli("dynamics", path, "--runs", 500, "--seed", 4)
    assert len(result.points) == 1 and result.sweep == []


def test_a_dynamics_sweep_equals_cli_and_makes_a_table(cli):
    result = impasse.dynamics(SEED, runs=300, sweep=["conflict.balance=0.3:0.7:3"],
                              set={"conflict.costs.russia": 0.2})
    expected = cli("dynamics", SEED, "--runs", 300, "--sweep", "conflict.balance=0.3:0.7:3",
                   "--set", "conflict.costs.russia=0.2")
    assert result.to_dict() == expected
    table = result.to_pandas()
    assert set(table["conflict.balance"]) == {0.3, 0.5, 0.7}
    assert (table["conflict.costs.russia"] == 0.2).all()
    with pytest.raises(ValueError):
        impasse.dynamics(SEED, sweep=["conflict.balance=0.3:0.7"])
    with pytest.raises(ValueError, match="runs"):
        impasse.dynamics(SEED, runs=0)


def test_counts_past_their_bounds_raise_value_errors_naming_the_bound():
    # The same limits as the CLI and the web API (impasse_app::limits, docs/limits.md).
    with pytest.raises(ValueError, match=r"runs: 1,000,000,000,000,000 replications per model is "
                                         r"above the limit of 100,000,000.*IMPASSE_LIMITS=runs=N"):
        impasse.dynamics(SEED, runs=10**15)
    with pytest.raises(ValueError, match="horizon: 4,294,967,295 rounds is above the limit"):
        impasse.dynamics(SEED, horizon=2**32 - 1)
    with pytest.raises(ValueError, match="steps: 20,000,000 steps is above the limit of 10,000,000"):
        impasse.negotiate(PRICE, ["boulware", "conceder"], steps=20_000_000)
    with pytest.raises(ValueError, match="repetitions: .* above the limit"):
        impasse.negotiate(PRICE, ["boulware", "conceder"], repetitions=2**32 - 1)


def test_export_equals_the_cli_folder(tmp_path):
    result = impasse.export(PRICE)
    out = tmp_path / "cli"
    subprocess.run([str(cli_path()), "export", str(PRICE), "--to", str(out)], check=True,
                   capture_output=True)
    assert sorted(result.files) == sorted(p.name for p in out.iterdir())
    for name, text in result.files.items():
        assert (out / name).read_text() == text
    written = result.write(tmp_path / "py")
    assert len(written) == len(result.files)
    back = impasse.load(tmp_path / "py")
    assert back.parties == impasse.load(out).parties


def test_tournament_equals_the_cli_summary(tmp_path):
    config = tmp_path / "t.toml"
    config.write_text(
        f'scenarios = ["{PRICE}"]\nagents = ["boulware", "conceder", "linear"]\n'
        f'repetitions = 2\nsteps = 40\nseed = 3\noutput = "out"\n')
    subprocess.run([str(cli_path()), "tournament", str(config), "--quiet"], check=True,
                   capture_output=True)
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    label = summary["scenarios"][0]
    result = impasse.tournament({label: PRICE}, agents=["boulware", "conceder", "linear"],
                                repetitions=2, steps=40, seed=3)
    got = result.to_dict()
    for key in ("format_version", "negotiations", "agreements", "scenarios", "standings"):
        assert got[key] == summary[key], key
    rows = [json.loads(line) for line in (tmp_path / "out" / "rows.jsonl").read_text().splitlines()]
    assert result.rows == rows
    assert len(result.to_pandas("rows")) == len(rows)
    # Into a folder: the same files as the CLI's, and a rerun resumes everything.
    folder = tmp_path / "py-out"
    first = impasse.tournament({label: PRICE}, agents=["boulware", "conceder", "linear"],
                               repetitions=2, steps=40, seed=3, output=folder)
    assert (folder / "rows.jsonl").read_text() == (tmp_path / "out" / "rows.jsonl").read_text()
    again = impasse.tournament({label: PRICE}, agents=["boulware", "conceder", "linear"],
                               repetitions=2, steps=40, seed=3, output=folder)
    assert again.run["negotiations"] == 0 and again.run["resumed"] == first.negotiations


class HalfWay(impasse.Agent):
    """Offers price 2 and accepts anything worth at least 0.5 to it."""

    def propose(self, state):
        return {"price": 2}

    def respond(self, state, offer):
        return "accept" if state.utility(offer) >= 0.5 else "reject"


def test_a_python_agent_plays_a_tournament_to_the_hand_computed_outcome():
    # Alone: it meets itself once (1 agent, 2 parties: 1 assignment). The seller opens with
    # price 2, worth 1 - 2/4 = 0.5 to the buyer, who accepts: 0.5 each.
    result = impasse.tournament([ORACLE], agents=[HalfWay()], steps=10)
    assert result.negotiations == 1 and result.agreements == 1
    (row,) = result.rows
    assert row["agents"] == ["HalfWay", "HalfWay"]
    assert row["outcome"] == 2 and row["utilities"] == [0.5, 0.5]
    assert result.standings[0]["agent"] == "HalfWay"
    assert result.standings[0]["mean_utility"] == 0.5
    # Against a built-in agent, in both roles: four assignments, every negotiation recorded.
    mixed = impasse.tournament([ORACLE], agents=[HalfWay(), "boulware"], steps=20)
    assert mixed.negotiations == 4
    assert {tuple(r["agents"]) for r in mixed.rows} == {
        ("HalfWay", "HalfWay"), ("HalfWay", "boulware"), ("boulware", "HalfWay"),
        ("boulware", "boulware")}
