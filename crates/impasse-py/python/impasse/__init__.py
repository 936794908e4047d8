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
    "Dynamics",
    "Export",
    "NegmasAgent",
    "Negotiation",
    "Scenario",
    "ScenarioError",
    "State",
    "Tournament",
    "analyze",
    "dynamics",
    "export",
    "from_negmas",
    "load",
    "negotiate",
    "to_negmas",
    "tournament",
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


class Dynamics(_Record):
    """Bargaining while fighting (``impasse dynamics``): one assessment per point of the sweep
    (one without a sweep).

    Attributes: ``format_version``, ``scenario``, ``source``, ``runs``, ``seed``, ``side_a``,
    ``side_b``, ``parties``, ``sweep`` (the swept parameters) and ``points``; each point has
    ``point``, ``sides``, ``horizon``, ``commitment``, ``way_out``, ``attrition``, ``screening``
    and ``learning`` (a model that did not run holds ``{"skipped": why}``).
    """

    MODELS = ("way_out", "attrition", "screening", "learning")

    def to_pandas(self, table: str = "models"):
        """One row per point and model that ran: the swept values, the model, ``p_settled``
        (exact where the model gives it, else simulated), the simulated shares and mean rounds."""
        if table != "models":
            raise ValueError(f"unknown table {table!r}; tables: models")
        rows = []
        for point in self._data["points"]:
            for model in self.MODELS:
                result = point[model]
                if "skipped" in result:
                    continue
                simulated = result.get("simulated", {})
                exact = result.get("exact") or {}
                row = dict(point["point"])
                row.update({
                    "model": model,
                    "p_settled": exact.get("p_settled", simulated.get("p_settled")),
                    "p_settled_simulated": simulated.get("p_settled"),
                    "mean_rounds": simulated.get("mean_rounds"),
                    "p_decided_a": simulated.get("p_decided_a"),
                    "p_decided_b": simulated.get("p_decided_b"),
                    "p_ongoing": simulated.get("p_ongoing"),
                })
                rows.append(row)
        return _pandas().DataFrame(rows)

    def __repr__(self) -> str:
        return f"Dynamics({self._data['scenario']!r}, points={len(self._data['points'])})"


def dynamics(scenario_or_path: Union[Scenario, PathLike], runs: int = 10_000, seed: int = 0,
             horizon: Optional[int] = None, stalemate: Optional[float] = None,
             models: Optional[Sequence[str]] = None, sweep: Optional[Sequence[str]] = None,
             set: Overrides = None) -> Dynamics:
    """Simulate the conflict while there is no deal (``impasse dynamics``): screening while
    fighting, battlefield learning, the war of attrition and the multi-issue way out.

    ``sweep`` is a list of at most two ``"PATH=FROM:TO:N"`` grids; ``set`` what-if overrides
    applied at every point; ``models`` a subset of ``attrition``, ``screening``, ``learning``,
    ``way-out``. Sweeps and overrides reload the scenario from its file, so give a path or a
    scenario loaded from one. Ctrl-C raises ``KeyboardInterrupt``.
    """
    if isinstance(scenario_or_path, Scenario):
        scenario = scenario_or_path
    else:
        scenario = load(scenario_or_path)
    report = _impasse.dynamics_json(scenario, set, runs, seed, horizon, stalemate,
                                    list(models) if models else None,
                                    list(sweep) if sweep else None)
    return Dynamics(json.loads(report))


class Tournament(_Record):
    """A tournament's result (``impasse tournament``'s ``summary.json``): ``negotiations``,
    ``agreements``, ``scenarios``, ``skipped``, ``standings`` (best first), ``run`` and
    ``output``; ``rows`` holds one row per negotiation when it ran in memory."""

    def __init__(self, data: Dict[str, Any], rows: List[Dict[str, Any]]) -> None:
        super().__init__(data)
        self.rows = rows

    def to_pandas(self, table: str = "standings"):
        """``"standings"`` (default) or ``"rows"`` (one per negotiation, in memory only) as a
        ``pandas.DataFrame``."""
        if table == "standings":
            return _pandas().DataFrame(self._data["standings"])
        if table == "rows":
            return _pandas().DataFrame(self.rows)
        raise ValueError(f"unknown table {table!r}; tables: standings, rows")

    def __repr__(self) -> str:
        return (f"Tournament(negotiations={self._data['negotiations']}, "
                f"agreements={self._data['agreements']})")


def tournament(scenarios: Union[Sequence[Union[Scenario, PathLike]], Mapping[str, Any]],
               agents: Sequence[Union[str, Agent]], repetitions: int = 1, steps: int = 100,
               seed: int = 0, protocol: str = "sao", output: Optional[PathLike] = None,
               fresh: bool = False) -> Tournament:
    """Every ordered assignment of ``agents`` to the parties of every scenario, ``repetitions``
    times (``impasse tournament``). Built-in agent names (or ``"all"``) and ``impasse.Agent``
    instances play alike. ``scenarios`` is a list of scenarios or paths (labelled by name or
    path) or a dict label → scenario or path.

    With ``output`` the rows go to ``rows.csv`` and ``rows.jsonl`` there, with ``summary.json``,
    and a rerun resumes them (``fresh=True`` starts over); without it they are kept in memory in
    ``.rows``. Results do not depend on the number of threads. Ctrl-C raises
    ``KeyboardInterrupt``.
    """
    items = scenarios.items() if isinstance(scenarios, Mapping) else [
        (s.name if isinstance(s, Scenario) else os.fspath(s), s) for s in scenarios]
    entries = [(label, s if isinstance(s, Scenario) else load(s)) for label, s in items]
    report, rows = _impasse.tournament_json(entries, list(agents), repetitions, steps, seed,
                                            protocol, None if output is None else os.fspath(output),
                                            fresh)
    return Tournament(json.loads(report), json.loads(rows))


class Export(_Record):
    """A GENIUS export: ``files`` (file name → XML text), ``dropped`` (what GENIUS cannot
    express) and ``notes``."""

    def write(self, folder: PathLike) -> List[str]:
        """Writes the files into ``folder`` (created if needed); returns their paths."""
        os.makedirs(folder, exist_ok=True)
        written = []
        for name, text in self._data["files"].items():
            path = os.path.join(os.fspath(folder), name)
            with open(path, "w", encoding="utf-8") as out:
                out.write(text)
            written.append(path)
        return written


def export(scenario_or_path: Union[Scenario, PathLike], set: Overrides = None) -> Export:
    """The scenario as a GENIUS domain (``impasse export``): a domain file and one profile per
    party, in memory; ``.write(folder)`` writes them."""
    scenario = _scenario(scenario_or_path, set)
    return Export(json.loads(_impasse.export_json(scenario)))


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
