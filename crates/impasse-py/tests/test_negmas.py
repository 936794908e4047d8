"""NegMAS 0.16 interop: round trips keep the utility of every outcome. Needs negmas (CI installs
it); a missing negmas fails these tests rather than skipping them."""

import itertools

import negmas
import pytest

import impasse
from conftest import DATA, GENIUS_DOMAINS, SCENARIOS


def impasse_utilities(scenario):
    return {party: [scenario.utility(party, o) for o in scenario.outcomes()]
            for party in scenario.parties}


def negmas_utilities(ns, issues):
    out = []
    for ufun in ns.ufuns:
        values = [list(i.all) for i in ns.outcome_space.issues]
        out.append([float(ufun(tuple(o))) for o in itertools.product(*values)])
    return out


# GENIUS domains read as NegMAS reads them (linear-additive, no cap), plus CameraB read as GENIUS
# does (its cap of 1 is never reached, so it converts exactly).
INPUTS = [(DATA / "oracle.toml", "genius"), (GENIUS_DOMAINS[0], "genius")] + [
    (path, "negmas") for path in GENIUS_DOMAINS]
IDS = [f"{path.name}-{semantics}" for path, semantics in INPUTS]


def test_version():
    assert negmas.__version__.startswith("0.16")


@pytest.mark.parametrize("path,semantics", INPUTS, ids=IDS)
def test_to_negmas_keeps_every_utility(path, semantics):
    scenario = impasse.load(path, genius_semantics=semantics)
    ns = impasse.to_negmas(scenario)
    assert [i.name for i in ns.outcome_space.issues] == scenario.issues
    assert ns.outcome_space.cardinality == scenario.n_outcomes
    mine = impasse_utilities(scenario)
    theirs = negmas_utilities(ns, scenario.issues)
    for party, values in zip(scenario.parties, theirs):
        assert values == pytest.approx(mine[party], abs=1e-12, rel=1e-12)
    for party, ufun in zip(scenario.parties, ns.ufuns):
        assert ufun.reserved_value == scenario.reservation[party]
        assert ufun.name == party


@pytest.mark.parametrize("path,semantics", INPUTS, ids=IDS)
def test_round_trip_through_negmas(path, semantics):
    scenario = impasse.load(path, genius_semantics=semantics)
    back = impasse.from_negmas(impasse.to_negmas(scenario))
    assert back.parties == scenario.parties
    assert back.issues == scenario.issues
    assert back.reservation == scenario.reservation
    mine, again = impasse_utilities(scenario), impasse_utilities(back)
    for party in scenario.parties:
        assert again[party] == pytest.approx(mine[party], abs=1e-12, rel=1e-12)


def test_from_negmas_built_by_hand():
    from negmas import LinearAdditiveUtilityFunction, make_issue, make_os
    from negmas.preferences.value_fun import TableFun

    space = make_os([make_issue(["red", "green", "blue"], "colour"), make_issue(4, "size")])
    a = LinearAdditiveUtilityFunction(
        values=[TableFun({"red": 1.0, "green": 0.5, "blue": 0.0}),
                TableFun({0: 0.0, 1: 0.2, 2: 0.6, 3: 1.0})],
        weights=[0.7, 0.3], bias=0.05, outcome_space=space, reserved_value=0.3, name="a")
    b = LinearAdditiveUtilityFunction(
        values=[TableFun({"red": 0.0, "green": 0.4, "blue": 1.0}),
                TableFun({0: 1.0, 1: 0.9, 2: 0.2, 3: 0.0})],
        weights=[0.5, 0.5], outcome_space=space, reserved_value=0.25, name="b")
    ns = negmas.Scenario(outcome_space=space, ufuns=(a, b), name="shop")
    scenario = impasse.from_negmas(ns)
    assert scenario.name == "shop"
    assert scenario.parties == ["a", "b"]
    assert scenario.issues == ["colour", "size"]
    assert scenario.reservation == {"a": 0.3, "b": 0.25}
    for outcome in space.enumerate():
        as_dict = dict(zip(["colour", "size"], outcome))
        assert scenario.utility("a", as_dict) == pytest.approx(a(outcome), abs=1e-12)
        assert scenario.utility("b", as_dict) == pytest.approx(b(outcome), abs=1e-12)
    # ... and it negotiates and analyses like any other scenario.
    assert impasse.analyze(scenario).verdict == "agreement_possible"
    assert impasse.negotiate(scenario, agents=["boulware", "conceder"]).agreement is not None
    # Party names can be given.
    assert impasse.from_negmas(ns, parties=["x", "y"]).parties == ["x", "y"]


def test_to_negmas_refuses_what_it_cannot_express():
    # Read as GENIUS does, Laptop's utilities are clamped at 1 where Σ w·eval exceeds it.
    laptop = impasse.load(GENIUS_DOMAINS[2])
    with pytest.raises(ValueError, match="cannot express"):
        impasse.to_negmas(laptop)
    # Real intervals are refused too: NegMAS would not discretise them as impasse does.
    refused = 0
    for path in SCENARIOS:
        try:
            impasse.to_negmas(impasse.load(path))
        except ValueError:
            refused += 1
    assert refused >= 1


@pytest.mark.parametrize("opponent", ["conceder", "linear", "boulware"])
def test_a_negmas_negotiator_plays_as_an_impasse_agent(opponent):
    # NegMAS's own Boulware, run inside impasse, makes offer for offer the moves of impasse's
    # port of it (both read CameraB with NegMAS's semantics).
    from negmas.sao import BoulwareTBNegotiator

    scenario = impasse.load(GENIUS_DOMAINS[0], genius_semantics="negmas")
    theirs = impasse.negotiate(scenario, agents=[impasse.NegmasAgent(BoulwareTBNegotiator),
                                                 opponent])
    ours = impasse.negotiate(scenario, agents=["boulware", opponent])
    assert [t["outcome_index"] for t in theirs.trace] == [t["outcome_index"] for t in ours.trace]
    assert theirs.agreement == ours.agreement and theirs.steps == ours.steps
    assert theirs.agents[scenario.parties[0]] == "NegmasAgent"


def test_a_negmas_negotiator_instance_plays_once():
    from negmas.sao import NaiveTitForTatNegotiator

    scenario = impasse.load(GENIUS_DOMAINS[0], genius_semantics="negmas")
    agent = impasse.NegmasAgent(NaiveTitForTatNegotiator())
    result = impasse.negotiate(scenario, agents=["linear", agent])
    # NegMAS's tit-for-tat reads more of the mechanism's history than the adapter feeds it
    # (on_partner_proposal only). Earlier runs saw its offers part from impasse's port at the
    # eighth offer; on 2026-12-06 (negmas 0.16.0, numpy 2.4, scipy 1.17, the same impasse
    # negotiation code) the whole trace is the port's. What flips it is outside impasse and not yet
    # pinned down; the first seven offers agree either way.
    ours = impasse.negotiate(scenario, agents=["linear", "naive-tit-for-tat"])
    assert result.trace[:7] == ours.trace[:7]
    assert result.agreement is not None
    with pytest.raises(RuntimeError, match="plays one negotiation"):
        impasse.negotiate(scenario, agents=["linear", agent])
