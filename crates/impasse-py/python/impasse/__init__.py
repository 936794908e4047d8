"""impasse: negotiation and conflict analysis from Python.

Load a scenario, analyse it, negotiate over it with built-in agents or agents written in Python,
and move scenarios to and from NegMAS::

    import impasse
    scenario = impasse.load("scenarios/distributive-price.toml")
    report = impasse.analyze(scenario)
    report.verdict                      # 'agreement_possible'
    report.to_pandas("pareto_frontier")  # one row per frontier package

    result = impasse.negotiate(scenario, agents=["boulware", "conceder"], steps=100)
    result.agreement                    # {'price': 74} or None

Every result's ``to_dict()`` equals what ``impasse analyze --format json`` (or ``negotiate``)
prints for the same input. See docs/python.md for a tutorial.
"""

from __future__ import annotations

import json
import os
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence, Tuple, Union

from . import _impasse
from ._agent import Agent
from ._impasse import AGENT_NAMES, Diagnostic, Scenario, ScenarioError, State

__all__ = [
    "AGENT_NAMES",
    "Agent",
    "Analysis",
    "Diagnostic",
    "NegmasAgent",
    "Negotiation",
    "Scenario",
    "ScenarioError",
    "State",
    "analyze",
    "from_negmas",
    "load",
    "negotiate",
    "to_negmas",
]

__version__: str = _impasse.__version__

Outcome = Dict[str, Any]
PathLike = Union[str, "os.PathLike[str]"]
Overrides = Union[Mapping[str, Any], Sequence[str], None]


def load(path: PathLike, set: Overrides = None, genius_semantics: str = "genius") -> Scenario:
    """Load a scenario: a native TOML/JSON file, a GENIUS folder or a GeniusWeb folder.

    ``set`` overrides parameters as the CLI's ``--set PATH=VALUE`` does, given as a dict
    ``{"conflict.balance": 0.6}`` or a list ``["conflict.balance=0.6"]``; values are read as TOML.
    ``genius_semantics`` is ``"genius"`` (GENIUS's reading of GENIUS folders) or ``"negmas"``.

    Raises ``ScenarioError`` with every problem in ``.diagnostics`` (file, line, column, message,
    expected, found), and ``ValueError`` for bad arguments.
    """
    return _impasse.load(os.fspath(path), set, genius_semantics)


def _scenario(scenario_or_path: Union[Scenario, PathLike], set: Overrides,
              genius_semantics: str = "genius") -> Scenario:
    if isinstance(scenario_or_path, Scenario):
        if set:
            raise ValueError("set= applies when loading; pass a path, or load(path, set=...) first")
        return scenario_or_path
    return load(scenario_or_path, set=set, genius_semantics=genius_semantics)


class _Record:
    """A report: its top-level fields as attributes, ``to_dict()`` for the whole JSON."""

    def __init__(self, data: Dict[str, Any]) -> None:
        self._data = data

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):
            raise AttributeError(name)
        data = self._data
        if name in data:
            return data[name]
        raise AttributeError(f"{type(self).__name__} has no attribute {name!r}")

    def __dir__(self) -> Iterable[str]:
        return list(super().__dir__()) + list(self._data)

    def to_dict(self) -> Dict[str, Any]:
        """The report as plain dicts and lists, equal to the CLI's ``--format json``."""
        return json.loads(json.dumps(self._data))

    def to_json(self, indent: Optional[int] = 2) -> str:
        """The report as JSON text."""
        return json.dumps(self._data, indent=indent, ensure_ascii=False)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _Record) and self._data == other._data

    __hash__ = None  # type: ignore[assignment]


def _pandas():
    try:
        import pandas
    except ImportError as err:  # pragma: no cover - pandas is in the test extras
        raise ImportError("to_pandas() needs pandas: pip install pandas") from err
    return pandas


def _rows(points: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """Flatten report points: outcome values as columns, utilities as ``u_<party>``."""
    rows = []
    for point in points:
        row: Dict[str, Any] = {}
        for key, value in point.items():
            if key in ("outcome", "package") and isinstance(value, dict):
                row.update(value)
            elif key == "utilities" and isinstance(value, dict):
                for party, u in value.items():
                    if isinstance(u, dict):  # a range
                        for bound, x in u.items():
                            row[f"u_{party}_{bound}"] = x
                    else:
                        row[f"u_{party}"] = u
            elif key == "acceptable" and isinstance(value, dict):
                for party, answer in value.items():
                    row[f"acceptable_{party}"] = answer
            elif isinstance(value, (dict, list)):
                row[key] = json.dumps(value, ensure_ascii=False)
            else:
                row[key] = value
        rows.append(row)
    return rows


class Analysis(_Record):
    """The analysis of a scenario (``impasse analyze``).

    Attributes are the report's fields: ``format_version``, ``tool``, ``scenario``, ``verdict``,
    ``agreement_zone``, ``pareto_frontier``, ``pareto_frontier_size``, ``zone_pareto_frontier``,
    ``zone_pareto_frontier_size``, ``solutions``, ``proposals``, ``clashes``,
    ``clashes_truncated``, ``closest``, ``ripeness`` and ``notes``.
    """

    TABLES = ("pareto_frontier", "zone_pareto_frontier", "proposals", "closest")

    def __init__(self, result: "_impasse.AnalysisResult") -> None:
        # The analysis is done; the report is built and decoded on first use.
        self._result = result
        self._cache: Optional[Dict[str, Any]] = None

    @property
    def _data(self) -> Dict[str, Any]:  # type: ignore[override]
        if self._cache is None:
            self._cache = json.loads(self._result.report_json())
        return self._cache

    def to_pandas(self, table: str = "pareto_frontier"):
        """One table of the report as a ``pandas.DataFrame``: ``"pareto_frontier"`` (default),
        ``"zone_pareto_frontier"``, ``"proposals"`` or ``"closest"``. Issues become columns,
        utilities ``u_<party>`` columns."""
        if table not in self.TABLES:
            raise ValueError(f"unknown table {table!r}; tables: {', '.join(self.TABLES)}")
        return _pandas().DataFrame(_rows(self._data[table]))

    @property
    def agreement_possible(self) -> bool:
        """Whether some package satisfies every party."""
        return self._data["verdict"] == "agreement_possible"

    def __repr__(self) -> str:
        return (f"Analysis({self._data['scenario']['name']!r}, verdict={self._data['verdict']!r}, "
                f"frontier={self._data['pareto_frontier_size']})")


def analyze(scenario_or_path: Union[Scenario, PathLike], set: Overrides = None,
            max_outcomes: int = 100_000_000, genius_semantics: str = "genius") -> Analysis:
    """Analyse a scenario (or load one from a path first): zone of agreement, Pareto frontiers,
    bargaining solutions, proposals, clashing constraints and ripeness.

    The GIL is released while the analysis runs. The report (attributes, ``to_dict()``) is built
    from the finished analysis when first used. Raises ``ValueError`` when the space has more than
    ``max_outcomes`` packages (after merging interchangeable values).
    """
    scenario = _scenario(scenario_or_path, set, genius_semantics)
    return Analysis(_impasse.analyze(scenario, max_outcomes))


class Negotiation(_Record):
    """The result of a negotiation (``impasse negotiate``).

    Attributes: ``agreement`` (``{issue: value}`` or ``None``), ``steps``, ``utilities``
    (``{party: utility}``), ``trace`` (list of offers), and the other report fields:
    ``scenario``, ``protocol``, ``agents``, ``n_steps``, ``seed``, ``agreement_index``, ``end``,
    ``ended_by``, ``offers``, ``vetoes``, ``reservation``, ``welfare``, ``pareto_distance``,
    ``nash_distance``, ``why_no_agreement``, ``throughput``.
    """

    def to_pandas(self, table: str = "trace"):
        """The trace as a ``pandas.DataFrame``: one row per offer, issues as columns and every
        party's utility as ``u_<party>``."""
        if table != "trace":
            raise ValueError(f"unknown table {table!r}; tables: trace")
        return _pandas().DataFrame(_rows(self._data["trace"]))

    def __repr__(self) -> str:
        return (f"Negotiation({self._data['scenario']!r}, end={self._data['end']!r}, "
                f"steps={self._data['steps']}, agreement={self._data['agreement']!r})")


def negotiate(scenario_or_path: Union[Scenario, PathLike], agents: Sequence[Union[str, Agent]],
              steps: int = 100, seed: int = 0, set: Overrides = None, protocol: str = "sao",
              time_limit: Optional[float] = None, discount: Optional[float] = None,
              discount_mode: str = "genius", repetitions: int = 1,
              genius_semantics: str = "genius") -> Negotiation:
    """Negotiate over a scenario, one agent per party in party order.

    ``agents`` mixes built-in agent names (``AGENT_NAMES``: ``"boulware"``, ``"conceder"``,
    ``"time-based:2"``, ...) and ``impasse.Agent`` instances. ``protocol`` is ``"sao"`` (stacked
    alternating offers) or ``"mediated"`` (single text). With ``repetitions > 1`` the further runs
    (seeds ``seed + k``) are summed into ``throughput``.

    The GIL is released while built-in agents work and taken for each Python agent call;
    Ctrl-C raises ``KeyboardInterrupt``, and an exception raised by a Python agent ends the
    negotiation and is re-raised.
    """
    scenario = _scenario(scenario_or_path, set, genius_semantics)
    report = _impasse.negotiate_json(scenario, list(agents), steps, seed, protocol, time_limit,
                                     discount, discount_mode, repetitions)
    return Negotiation(json.loads(report))


def to_negmas(scenario: Scenario):
    """The scenario as a ``negmas.Scenario`` (NegMAS 0.16): its outcome space and one
    ``LinearAdditiveUtilityFunction`` per party, with reservation values.

    Utilities are those before red-line penalties; red lines, preconditions and proposals have
    no NegMAS counterpart and are left out. Raises ``ValueError`` for utilities with terms or
    a cap, and for real issues (NegMAS would not discretise them the same way).
    """
    from ._negmas import to_negmas as convert

    return convert(scenario)


def from_negmas(negmas_scenario, name: Optional[str] = None,
                parties: Optional[Sequence[str]] = None) -> Scenario:
    """An impasse scenario from a ``negmas.Scenario`` with a discrete outcome space and
    linear-additive utility functions (NegMAS 0.16); reservation values are kept.

    Party ids are ``parties`` if given, else the utility functions' names. Integer issues stay
    integers; other values become labels (their ``str``)."""
    from ._negmas import from_negmas as convert

    return convert(negmas_scenario, name, parties)


def __getattr__(name: str):
    # NegmasAgent imports negmas only when it is used.
    if name == "NegmasAgent":
        from ._negmas import NegmasAgent

        return NegmasAgent
    raise AttributeError(f"module 'impasse' has no attribute {name!r}")
