"""`to_dict()` equals the CLI's `--format json` for the same input."""

import pytest

import impasse
from conftest import GENIUS_DOMAINS, SCENARIOS

INPUTS = SCENARIOS + GENIUS_DOMAINS


@pytest.mark.parametrize("path", INPUTS, ids=lambda p: p.name)
def test_analyze_equals_cli(cli, path):
    assert impasse.analyze(path).to_dict() == cli("analyze", path)


@pytest.mark.parametrize("path", INPUTS, ids=lambda p: p.name)
@pytest.mark.parametrize("agents", [["boulware", "conceder"], ["naive-tit-for-tat", "random"]])
def test_negotiate_equals_cli(cli, path, agents):
    scenario = impasse.load(path)
    agents = (agents * len(scenario.parties))[: len(scenario.parties)]
    result = impasse.negotiate(scenario, agents=agents, steps=60, seed=3)
    expected = cli("negotiate", path, "--agents", ",".join(agents), "--steps", 60, "--seed", 3)
    assert result.to_dict() == expected


def test_negotiate_mediated_equals_cli(cli):
    path = SCENARIOS[0]
    n = len(impasse.load(path).parties)
    agents = ["linear"] * n
    result = impasse.negotiate(path, agents=agents, protocol="mediated", seed=5)
    assert result.to_dict() == cli("negotiate", path, "--agents", ",".join(agents),
                                   "--protocol", "mediated", "--seed", 5)


def test_overrides_equal_cli(cli):
    path = [p for p in SCENARIOS if p.name == "distributive-price.toml"][0]
    result = impasse.analyze(path, set={"preferences.buyer.reservation": 0.3})
    assert result.to_dict() == cli("analyze", path, "--set", "preferences.buyer.reservation=0.3")


def test_attributes_and_tables():
    path = [p for p in SCENARIOS if p.name == "distributive-price.toml"][0]
    analysis = impasse.analyze(path)
    assert analysis.verdict == "agreement_possible" and analysis.agreement_possible
    assert analysis.agreement_zone["size"] == 21
    frontier = analysis.to_pandas()
    assert len(frontier) == analysis.pareto_frontier_size == 51
    assert {"price", "u_seller", "u_buyer"} <= set(frontier.columns)
    proposals = analysis.to_pandas("proposals")
    assert len(proposals) == len(analysis.proposals)
    result = impasse.negotiate(path, agents=["boulware", "conceder"])
    assert result.agreement == result.trace[-1]["outcome"]
    assert result.steps == result.to_dict()["steps"]
    assert set(result.utilities) == {"seller", "buyer"}
    trace = result.to_pandas()
    assert len(trace) == len(result.trace)
    assert list(trace.columns[:3]) == ["step", "time", "proposer"]
    with pytest.raises(ValueError):
        analysis.to_pandas("nothing")
