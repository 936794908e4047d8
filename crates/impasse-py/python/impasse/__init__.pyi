"""Type stubs of the impasse Python package."""

import os
from typing import Any, Dict, Iterable, List, Literal, Mapping, Optional, Sequence, Tuple, Union

__version__: str
AGENT_NAMES: List[str]

Value = Union[str, int, float]
Outcome = Dict[str, Value]
OutcomeLike = Union[Mapping[str, Value], int]
PathLike = Union[str, os.PathLike[str]]
Overrides = Union[Mapping[str, Any], Sequence[str], None]
Semantics = Literal["genius", "negmas"]

class Diagnostic:
    """One problem in a scenario."""

    file: str
    line: int
    column: int
    message: str
    expected: str
    found: str
    def to_dict(self) -> Dict[str, Union[str, int]]: ...

class ScenarioError(Exception):
    """A scenario has problems; every one is in ``diagnostics``."""

    diagnostics: List[Diagnostic]

class Scenario:
    """A loaded, validated scenario."""

    @property
    def name(self) -> str: ...
    @property
    def description(self) -> str: ...
    @property
    def path(self) -> Optional[str]: ...
    @property
    def parties(self) -> List[str]: ...
    @property
    def issues(self) -> List[str]: ...
    @property
    def n_outcomes(self) -> Optional[int]: ...
    @property
    def reservation(self) -> Dict[str, float]: ...
    def values(self, issue: str) -> List[Value]: ...
    def outcomes(self, limit: int = 1_000_000) -> List[Outcome]: ...
    def utility(self, party: str, outcome: OutcomeLike) -> float: ...
    def penalised_utility(self, party: str, outcome: OutcomeLike) -> float: ...

class State:
    """What a Python agent sees when asked to act."""

    @property
    def step(self) -> int: ...
    @property
    def relative_time(self) -> float: ...
    @property
    def n_steps(self) -> Optional[int]: ...
    @property
    def party(self) -> str: ...
    @property
    def parties(self) -> List[str]: ...
    @property
    def scenario(self) -> Scenario: ...
    @property
    def reservation(self) -> float: ...
    @property
    def offers(self) -> List[Tuple[str, Outcome]]: ...
    @property
    def offer(self) -> Optional[Outcome]: ...
    def utility(self, outcome: OutcomeLike) -> float: ...
    def acceptable(self, outcome: OutcomeLike) -> bool: ...
    def outcomes(self) -> List[Outcome]: ...

class Agent:
    """Base class of agents written in Python."""

    def propose(self, state: State) -> Optional[Outcome]: ...
    def respond(self, state: State, offer: Outcome) -> Literal["accept", "reject", "end"]: ...
    def vote(self, state: State, current: Outcome, proposal: Outcome) -> bool: ...

class NegmasAgent(Agent):
    """A NegMAS 0.16 SAO negotiator (a class, a factory or one instance) as an impasse agent."""

    def __init__(self, negotiator: Any) -> None: ...

class _Record:
    def to_dict(self) -> Dict[str, Any]: ...
    def to_json(self, indent: Optional[int] = 2) -> str: ...
    def __dir__(self) -> Iterable[str]: ...

class Analysis(_Record):
    """The analysis of a scenario; ``to_dict()`` equals ``impasse analyze --format json``."""

    TABLES: Tuple[str, ...]
    format_version: int
    tool: str
    scenario: Dict[str, Any]
    verdict: Literal["impasse", "agreement_possible"]
    agreement_zone: Dict[str, Any]
    pareto_frontier: List[Dict[str, Any]]
    pareto_frontier_size: int
    zone_pareto_frontier: List[Dict[str, Any]]
    zone_pareto_frontier_size: int
    solutions: Dict[str, Any]
    proposals: List[Dict[str, Any]]
    clashes: List[List[Dict[str, Any]]]
    clashes_truncated: bool
    closest: List[Dict[str, Any]]
    ripeness: Optional[Dict[str, Any]]
    notes: List[str]
    @property
    def agreement_possible(self) -> bool: ...
    def to_pandas(
        self,
        table: Literal["pareto_frontier", "zone_pareto_frontier", "proposals", "closest"] = ...,
    ) -> Any: ...

class Negotiation(_Record):
    """A negotiation's result; ``to_dict()`` equals ``impasse negotiate --format json``."""

    scenario: str
    protocol: Literal["sao", "mediated"]
    agents: Dict[str, str]
    n_steps: int
    seed: int
    agreement: Optional[Outcome]
    agreement_index: Optional[int]
    end: Literal["agreement", "deadline", "ended", "invalid-offer", "not-ratified"]
    ended_by: Optional[str]
    steps: int
    offers: int
    vetoes: int
    utilities: Dict[str, float]
    reservation: Dict[str, float]
    welfare: float
    pareto_distance: float
    nash_distance: Optional[float]
    why_no_agreement: Optional[Dict[str, Any]]
    throughput: Optional[Dict[str, Any]]
    trace: List[Dict[str, Any]]
    reference: Dict[str, Any]
    format_version: int
    def to_pandas(self, table: Literal["trace"] = "trace") -> Any: ...

class Dynamics(_Record):
    """Bargaining while fighting; ``to_dict()`` equals ``impasse dynamics --format json``."""

    format_version: int
    scenario: str
    source: str
    runs: int
    seed: int
    side_a: List[str]
    side_b: List[str]
    parties: List[str]
    sweep: List[str]
    points: List[Dict[str, Any]]
    def to_pandas(self, table: Literal["models"] = "models") -> Any: ...

class Tournament(_Record):
    """A tournament's result; ``to_dict()`` has the fields of ``summary.json``."""

    format_version: int
    negotiations: int
    agreements: int
    scenarios: List[str]
    skipped: List[Dict[str, str]]
    standings: List[Dict[str, Any]]
    run: Dict[str, Any]
    output: Optional[str]
    rows: List[Dict[str, Any]]
    def to_pandas(self, table: Literal["standings", "rows"] = "standings") -> Any: ...

class Export(_Record):
    """A GENIUS export: file name → XML text, and what could not be expressed."""

    format_version: int
    name: str
    format: str
    files: Dict[str, str]
    dropped: List[str]
    notes: List[str]
    def write(self, folder: PathLike) -> List[str]: ...

def load(path: PathLike, set: Overrides = None, genius_semantics: Semantics = "genius") -> Scenario: ...
def analyze(
    scenario_or_path: Union[Scenario, PathLike],
    set: Overrides = None,
    max_outcomes: int = 100_000_000,
    genius_semantics: Semantics = "genius",
) -> Analysis: ...
def negotiate(
    scenario_or_path: Union[Scenario, PathLike],
    agents: Sequence[Union[str, Agent]],
    steps: int = 100,
    seed: int = 0,
    set: Overrides = None,
    protocol: Literal["sao", "mediated"] = "sao",
    time_limit: Optional[float] = None,
    discount: Optional[float] = None,
    discount_mode: Literal["genius", "negmas"] = "genius",
    repetitions: int = 1,
    genius_semantics: Semantics = "genius",
) -> Negotiation: ...
def dynamics(
    scenario_or_path: Union[Scenario, PathLike],
    runs: int = 10_000,
    seed: int = 0,
    horizon: Optional[int] = None,
    stalemate: Optional[float] = None,
    models: Optional[Sequence[str]] = None,
    sweep: Optional[Sequence[str]] = None,
    set: Overrides = None,
) -> Dynamics: ...
def tournament(
    scenarios: Union[Sequence[Union[Scenario, PathLike]], Mapping[str, Any]],
    agents: Sequence[Union[str, Agent]],
    repetitions: int = 1,
    steps: int = 100,
    seed: int = 0,
    protocol: Literal["sao", "mediated"] = "sao",
    output: Optional[PathLike] = None,
    fresh: bool = False,
) -> Tournament: ...
def export(scenario_or_path: Union[Scenario, PathLike], set: Overrides = None) -> Export: ...
def to_negmas(scenario: Scenario) -> Any: ...
def from_negmas(
    negmas_scenario: Any, name: Optional[str] = None, parties: Optional[Sequence[str]] = None
) -> Scenario: ...
