"""Conversions between impasse scenarios and NegMAS 0.16 scenarios.

An impasse scenario maps to a NegMAS ``Scenario`` whose outcome space has one issue per impasse
issue (integer issues as ``ContiguousIssue``, named values as ``CategoricalIssue``) and one
``LinearAdditiveUtilityFunction`` per party: a ``TableFun`` per issue, the party's weights, its
constant offset as ``bias`` and its reservation value as ``reserved_value``. Both directions
keep every utility of every outcome.
"""

from __future__ import annotations

import math
from typing import Any, List, Optional, Sequence

from ._agent import Agent
from ._impasse import Scenario, scenario_from_tables


def to_negmas(scenario: Scenario):
    """The ``negmas.Scenario`` of an impasse scenario (see the module docstring)."""
    from negmas import LinearAdditiveUtilityFunction, make_issue, make_os
    from negmas import Scenario as NegmasScenario
    from negmas.preferences.value_fun import TableFun

    issues = []
    values: List[List[Any]] = []
    for issue, kind in scenario._issue_kinds():
        if kind == "real":
            raise ValueError(
                f"issue '{issue}' is a real interval; NegMAS would not discretise it as impasse "
                "does, so give it as an integer or a list of values")
        vals = list(scenario.values(issue))
        values.append(vals)
        if kind == "integer":
            issues.append(make_issue((vals[0], vals[-1]), name=issue))
        else:
            issues.append(make_issue(vals, name=issue))
    outcome_space = make_os(issues, name=scenario.name)
    ufuns = []
    for party in scenario._additive():
        funs = [TableFun(dict(zip(vals, table))) for vals, table in zip(values, party["values"])]
        ufuns.append(LinearAdditiveUtilityFunction(
            values=funs,
            weights=list(party["weights"]),
            bias=party["offset"],
            outcome_space=outcome_space,
            reserved_value=party["reservation"],
            name=party["id"],
        ))
    return NegmasScenario(outcome_space=outcome_space, ufuns=tuple(ufuns), name=scenario.name)


def _issue_values(issue) -> List[Any]:
    if not issue.is_discrete():
        raise ValueError(f"issue '{issue.name}' is continuous; discretise it first "
                         "(negmas: scenario.discretize())")
    return list(issue.all)


def from_negmas(negmas_scenario, name: Optional[str] = None,
                parties: Optional[Sequence[str]] = None) -> Scenario:
    """An impasse scenario from a ``negmas.Scenario`` with a discrete outcome space and
    linear-additive utility functions. Party ids are ``parties`` if given, else the utility
    functions' names."""
    from negmas import LinearAdditiveUtilityFunction

    space = negmas_scenario.outcome_space
    all_values = [_issue_values(issue) for issue in space.issues]
    issues = []
    for issue, vals in zip(space.issues, all_values):
        ints = all(isinstance(v, int) and not isinstance(v, bool) for v in vals)
        if ints and vals == list(range(vals[0], vals[0] + len(vals))):
            issues.append((issue.name, (vals[0], vals[-1])))
        else:
            issues.append((issue.name, [str(v) for v in vals]))
    ufuns = list(negmas_scenario.ufuns)
    if parties is not None and len(parties) != len(ufuns):
        raise ValueError(f"{len(parties)} party names for {len(ufuns)} utility functions")
    table_parties = []
    for k, ufun in enumerate(ufuns):
        if not isinstance(ufun, LinearAdditiveUtilityFunction):
            raise ValueError(f"utility function {k} is a {type(ufun).__name__}; only "
                             "LinearAdditiveUtilityFunction converts")
        tables = [[float(fun(v)) for v in vals] for fun, vals in zip(ufun.values, all_values)]
        reserved = ufun.reserved_value
        reserved = -math.inf if reserved is None else float(reserved)
        party = parties[k] if parties is not None else (ufun.name or f"party{k + 1}")
        table_parties.append((party, [float(w) for w in ufun.weights], tables,
                              float(getattr(ufun, "_bias", 0.0)), reserved))
    title = name or negmas_scenario.name or space.name or "negmas scenario"
    return scenario_from_tables(title, issues, table_parties)


def negmas_outcome(scenario: Scenario, outcome: dict) -> tuple:
    """The NegMAS outcome tuple of an impasse outcome dict (issue order of the scenario)."""
    return tuple(outcome[issue] for issue in scenario.issues)


class NegmasAgent(Agent):
    """A NegMAS 0.16 SAO negotiator playing as an impasse agent.

    ``negotiator`` is a negotiator class or a factory, called once per negotiation (a NegMAS
    negotiator joins one mechanism), or an instance, for one negotiation. It sees the party's
    utility function as ``to_negmas`` exports it (before red-line penalties) and NegMAS's relative
    time, ``(step + 1) / (n_steps + 1)``.
    """

    def __init__(self, negotiator):
        self._factory = None if hasattr(negotiator, "propose") and not isinstance(negotiator, type) \
            else negotiator
        self._instance = negotiator if self._factory is None else None
        self._state = None
        self._neg = None

    def _negotiator(self, state):
        if self._state is state:
            return self._neg
        from negmas.sao import SAOMechanism

        if self._factory is None and self._state is not None:
            raise RuntimeError("a NegmasAgent built from a negotiator instance plays one "
                               "negotiation; pass the class or a factory to play more")
        scenario = state.scenario
        ns = to_negmas(scenario)
        neg = self._factory() if self._factory is not None else self._instance
        mechanism = SAOMechanism(outcome_space=ns.outcome_space, n_steps=state.n_steps)
        mechanism.add(neg, ufun=ns.ufuns[state.parties.index(state.party)])
        neg._on_negotiation_start(mechanism.state)
        self._issues = scenario.issues
        self._n = len(state.parties)
        self._mechanism = mechanism
        self._state, self._neg = state, neg
        return neg

    def _sao_state(self, state, offer=None):
        from negmas.sao import SAOState

        current = None if offer is None else tuple(offer[i] for i in self._issues)
        return SAOState(step=state.step, relative_time=state.relative_time, running=True,
                        started=True, current_offer=current, n_negotiators=self._n)

    def propose(self, state):
        outcome = self._negotiator(state).propose(self._sao_state(state))
        return None if outcome is None else dict(zip(self._issues, outcome))

    def respond(self, state, offer):
        from negmas.sao import ResponseType

        neg = self._negotiator(state)
        sao_state = self._sao_state(state, offer)
        # What NegMAS's mechanism tells a negotiator before asking it to respond.
        proposer = state.offers[-1][0] if state.offers else ""
        neg.on_partner_proposal(sao_state, proposer, sao_state.current_offer)
        answer = neg.respond(sao_state, source=proposer)
        if answer == ResponseType.ACCEPT_OFFER:
            return "accept"
        if answer == ResponseType.END_NEGOTIATION:
            return "end"
        return "reject"
