//! `impasse._impasse`: the native half of the `impasse` Python package.
//!
//! The Pythonic API lives in `python/impasse/__init__.py` (with stubs in `__init__.pyi`); this
//! module decodes Python arguments, calls `engine` (the only module that calls into the impasse
//! libraries) with the GIL released, and encodes the results. Reports cross as JSON text, decoded
//! by `json.loads` on the Python side, so `to_dict()` is exactly the CLI's `--format json`.

// PyO3's macros expand to `unsafe` FFI glue; the one `unsafe` written by hand is the SIGINT
// counter's registration in `interrupts` (its action only increments an atomic).
#![allow(unsafe_code)]
// `#[pyclass]`/`#[pyfunction]` items are reached from Python, not from Rust.
#![allow(unreachable_pub)]

use std::path::PathBuf;
use std::sync::{Arc, Mutex};

use impasse_core::{IssueKind, Scenario};
use pyo3::create_exception;
use pyo3::exceptions::{PyException, PyKeyboardInterrupt, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyList};

mod agent;
mod convert;
mod engine;

use agent::{ErrorSlot, PyAgent, PyState};
use convert::{outcome_from_py, outcome_to_py, value_to_py};
use engine::{EngineError, NegotiateRequest, Seat, TableIssue, TableParty};

create_exception!(
    _impasse,
    ScenarioError,
    PyException,
    "A scenario has problems; `.diagnostics` lists every one with file, line and column."
);

/// One problem in a scenario: where it is, what was expected and what was found.
#[pyclass(frozen, module = "impasse._impasse", name = "Diagnostic")]
pub struct PyDiagnostic {
    /// The file (or `--set` for an override).
    #[pyo3(get)]
    file: String,
    /// The line, 1-based (0 when the problem has no position).
    #[pyo3(get)]
    line: u32,
    /// The column, 1-based (0 when the problem has no position).
    #[pyo3(get)]
    column: u32,
    /// What is wrong.
    #[pyo3(get)]
    message: String,
    /// What was expected.
    #[pyo3(get)]
    expected: String,
    /// What was found.
    #[pyo3(get)]
    found: String,
}

#[pymethods]
impl PyDiagnostic {
    /// The diagnostic as a dict.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let dict = PyDict::new(py);
        dict.set_item("file", &self.file)?;
        dict.set_item("line", self.line)?;
        dict.set_item("column", self.column)?;
        dict.set_item("message", &self.message)?;
        dict.set_item("expected", &self.expected)?;
        dict.set_item("found", &self.found)?;
        Ok(dict)
    }

    fn __repr__(&self) -> String {
        format!("Diagnostic({}:{}:{}: {})", self.file, self.line, self.column, self.message)
    }

    fn __str__(&self) -> String {
        format!("{}:{}:{}: {}", self.file, self.line, self.column, self.message)
    }
}

/// Turns an engine error into the Python exception it stands for.
fn to_py_err(py: Python<'_>, err: EngineError) -> PyErr {
    match err {
        EngineError::Invalid(message) => PyValueError::new_err(message),
        EngineError::Cancelled => PyKeyboardInterrupt::new_err("cancelled"),
        EngineError::Scenario(diagnostics) => {
            let n = diagnostics.len();
            let message = format!("{diagnostics}\n{n} problem{}", if n == 1 { "" } else { "s" });
            let err = ScenarioError::new_err(message);
            let list: Vec<PyDiagnostic> = diagnostics
                .0
                .into_iter()
                .map(|d| PyDiagnostic {
                    file: d.file,
                    line: d.line,
                    column: d.column,
                    message: d.message,
                    expected: d.expected,
                    found: d.found,
                })
                .collect();
            let attached =
                PyList::new(py, list).and_then(|list| err.value(py).setattr("diagnostics", list));
            match attached {
                Ok(()) => err,
                Err(other) => other,
            }
        }
    }
}

/// A loaded, validated scenario (`impasse.Scenario`).
#[pyclass(frozen, module = "impasse._impasse", name = "Scenario")]
pub struct PyScenario {
    inner: Arc<Scenario>,
    path: Option<String>,
    outcome_dicts: agent::OutcomeCache,
}

impl PyScenario {
    fn new(scenario: Scenario, path: Option<String>) -> PyScenario {
        PyScenario { inner: Arc::new(scenario), path, outcome_dicts: Default::default() }
    }

    /// Another handle on a scenario already shared with Python.
    fn new_shared(inner: Arc<Scenario>, outcome_dicts: agent::OutcomeCache) -> PyScenario {
        PyScenario { inner, path: None, outcome_dicts }
    }
}

#[pymethods]
impl PyScenario {
    /// The scenario's name.
    #[getter]
    fn name(&self) -> &str {
        self.inner.name()
    }

    /// Its description.
    #[getter]
    fn description(&self) -> &str {
        self.inner.description()
    }

    /// The file or folder it was loaded from, if any.
    #[getter]
    fn path(&self) -> Option<&str> {
        self.path.as_deref()
    }

    /// The party ids, in order.
    #[getter]
    fn parties(&self) -> Vec<String> {
        self.inner.parties().iter().map(|p| p.id.clone()).collect()
    }

    /// The issue ids, in order (the keys of outcome dicts).
    #[getter]
    fn issues(&self) -> Vec<String> {
        self.inner.issues().iter().map(|i| i.id.clone()).collect()
    }

    /// The number of outcomes (packages), `None` when it does not fit in 64 bits.
    #[getter]
    fn n_outcomes(&self) -> Option<u64> {
        self.inner.space().size()
    }

    /// Every party's reservation value, `{party: value}`.
    #[getter]
    fn reservation<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let dict = PyDict::new(py);
        for (party, value) in self.inner.parties().iter().zip(self.inner.reservation_values()) {
            dict.set_item(&party.id, value)?;
        }
        Ok(dict)
    }

    /// The values of an issue (by id or name), in order.
    fn values<'py>(&self, py: Python<'py>, issue: &str) -> PyResult<Bound<'py, PyList>> {
        let at = self.issue_at(issue)?;
        let issue = &self.inner.issues()[at];
        let values = (0..issue.cardinality())
            .map(|v| value_to_py(py, issue.value(v)))
            .collect::<PyResult<Vec<_>>>()?;
        PyList::new(py, values)
    }

    /// Every outcome as an `{issue: value}` dict, in outcome-index order (at most `limit`).
    #[pyo3(signature = (limit = 1_000_000))]
    fn outcomes<'py>(&self, py: Python<'py>, limit: u64) -> PyResult<Bound<'py, PyList>> {
        let n = self.inner.space().size().unwrap_or(u64::MAX);
        if n > limit {
            return Err(PyValueError::new_err(format!(
                "the scenario has {n} outcomes, more than limit={limit}"
            )));
        }
        let list = PyList::empty(py);
        for o in 0..n {
            list.append(outcome_to_py(py, &self.inner, o)?)?;
        }
        Ok(list)
    }

    /// A party's utility of an outcome (a dict or an outcome index), without red-line penalties.
    fn utility(&self, party: &str, outcome: &Bound<'_, PyAny>) -> PyResult<f64> {
        let at = self.party_at(party)?;
        let values = self.decode(outcome)?;
        Ok(self.inner.parties()[at].utility.eval(&values))
    }

    /// A party's utility of an outcome after the penalties of its finite red lines (what the
    /// negotiation agents see).
    fn penalised_utility(&self, party: &str, outcome: &Bound<'_, PyAny>) -> PyResult<f64> {
        let at = self.party_at(party)?;
        let values = self.decode(outcome)?;
        Ok(self.inner.parties()[at].utility.eval(&values) - self.inner.penalty(at, &values))
    }

    /// The linear-additive form of every party's utility, for NegMAS export: a list of dicts
    /// with `id`, `weights`, `values` (per issue, the value of each value), `offset` and
    /// `reservation`. Raises `ValueError` for a non-additive utility (terms, or a cap that some
    /// outcome reaches).
    fn _additive<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyList>> {
        let list = PyList::empty(py);
        for (party, reservation) in self.inner.parties().iter().zip(self.inner.reservation_values())
        {
            let utility = &party.utility;
            // A cap that no outcome reaches (GENIUS's clamp of Σ w·eval to 1) changes nothing.
            let best: f64 = utility.offset()
                + utility
                    .tables()
                    .iter()
                    .map(|t| t.iter().copied().fold(f64::MIN, f64::max))
                    .sum::<f64>();
            let cap_binds = utility.cap().is_some_and(|cap| best > cap);
            if !utility.terms().is_empty() || cap_binds {
                return Err(PyValueError::new_err(format!(
                    "party '{}' has a utility with terms or a cap, which NegMAS's \
                     LinearAdditiveUtilityFunction cannot express",
                    party.id
                )));
            }
            let dict = PyDict::new(py);
            dict.set_item("id", &party.id)?;
            dict.set_item("weights", party.utility.weights().to_vec())?;
            dict.set_item("values", party.utility.values().to_vec())?;
            dict.set_item("offset", party.utility.offset())?;
            dict.set_item("reservation", reservation)?;
            list.append(dict)?;
        }
        Ok(list)
    }

    /// Issue kinds, for NegMAS export: a list of `(id, kind)` with kind `"integer"`, `"real"`,
    /// `"ordinal"` or `"categorical"`.
    fn _issue_kinds(&self) -> Vec<(String, &'static str)> {
        self.inner
            .issues()
            .iter()
            .map(|issue| {
                let kind = match issue.kind {
                    IssueKind::Integer { .. } => "integer",
                    IssueKind::Real { .. } => "real",
                    IssueKind::Ordinal { .. } => "ordinal",
                    IssueKind::Categorical { .. } => "categorical",
                };
                (issue.id.clone(), kind)
            })
            .collect()
    }

    fn __repr__(&self) -> String {
        format!(
            "Scenario({:?}, parties={:?}, issues={}, outcomes={})",
            self.inner.name(),
            self.parties(),
            self.inner.issues().len(),
            self.inner.space().size().map_or("?".to_owned(), |n| n.to_string())
        )
    }
}

impl PyScenario {
    fn party_at(&self, party: &str) -> PyResult<usize> {
        self.inner.party_index(party).ok_or_else(|| {
            PyValueError::new_err(format!(
                "unknown party '{party}'; known parties: {}",
                self.parties().join(", ")
            ))
        })
    }

    fn issue_at(&self, issue: &str) -> PyResult<usize> {
        let issues = self.inner.issues();
        issues.iter().position(|i| i.id == issue || i.name == issue).ok_or_else(|| {
            PyValueError::new_err(format!(
                "unknown issue '{issue}'; known issues: {}",
                self.issues().join(", ")
            ))
        })
    }

    fn decode(&self, outcome: &Bound<'_, PyAny>) -> PyResult<Vec<u32>> {
        let index = outcome_from_py(&self.inner, outcome)?;
        let mut values = vec![0; self.inner.space().n_issues()];
        self.inner.space().decode(index, &mut values);
        Ok(values)
    }
}

/// `set={"path": value}` (or a list of `"path=value"` strings) as override pairs.
fn overrides(set: Option<&Bound<'_, PyAny>>) -> PyResult<Vec<(String, String)>> {
    let Some(set) = set else { return Ok(Vec::new()) };
    if set.is_none() {
        return Ok(Vec::new());
    }
    let text = |value: &Bound<'_, PyAny>| -> PyResult<String> {
        if value.is_instance_of::<PyBool>() {
            return Ok(if value.extract::<bool>()? { "true" } else { "false" }.to_owned());
        }
        Ok(value.str()?.to_string())
    };
    if let Ok(dict) = set.cast::<PyDict>() {
        return dict
            .iter()
            .map(|(key, value)| {
                let key: String = key.extract().map_err(|_| {
                    PyTypeError::new_err("set= keys are override paths such as 'conflict.balance'")
                })?;
                Ok((key, text(&value)?))
            })
            .collect();
    }
    let mut pairs = Vec::new();
    for item in set.try_iter()? {
        let item: String = item?.extract()?;
        match item.split_once('=') {
            Some((path, value)) if !path.trim().is_empty() && !value.trim().is_empty() => {
                pairs.push((path.trim().to_owned(), value.trim().to_owned()));
            }
            _ => {
                return Err(PyValueError::new_err(format!(
                    "expected PATH=VALUE (for example conflict.balance=0.6), found '{item}'"
                )));
            }
        }
    }
    Ok(pairs)
}

/// Loads a scenario: a native TOML/JSON file, a GENIUS folder or a GeniusWeb folder.
#[pyfunction]
#[pyo3(signature = (path, set = None, genius_semantics = "genius"))]
fn load(
    py: Python<'_>,
    path: PathBuf,
    set: Option<&Bound<'_, PyAny>>,
    genius_semantics: &str,
) -> PyResult<PyScenario> {
    let overrides = overrides(set)?;
    let shown = path.display().to_string();
    let scenario = py
        .detach(|| engine::load(&path, &overrides, genius_semantics))
        .map_err(|err| to_py_err(py, err))?;
    Ok(PyScenario::new(scenario, Some(shown)))
}

/// A finished analysis; its report is built when first asked for (`impasse.Analysis` wraps it).
#[pyclass(frozen, module = "impasse._impasse", name = "AnalysisResult")]
pub struct PyAnalysis {
    scenario: Arc<Scenario>,
    analysis: impasse_analysis::Analysis,
}

#[pymethods]
impl PyAnalysis {
    /// The report as JSON text, as `impasse analyze --format json` prints it (compact).
    fn report_json(&self, py: Python<'_>) -> String {
        py.detach(|| engine::analysis_report_json(&self.scenario, &self.analysis))
    }
}

/// Analyses a scenario with the GIL released.
#[pyfunction]
#[pyo3(signature = (scenario, max_outcomes = 100_000_000))]
fn analyze(py: Python<'_>, scenario: &PyScenario, max_outcomes: u64) -> PyResult<PyAnalysis> {
    let inner = scenario.inner.clone();
    let analysis =
        py.detach(|| engine::analyze(&inner, max_outcomes)).map_err(|err| to_py_err(py, err))?;
    Ok(PyAnalysis { scenario: inner, analysis })
}

/// Runs a negotiation; returns the report as JSON text (`impasse negotiate --format json`).
#[pyfunction]
#[pyo3(signature = (
    scenario, agents, steps = 100, seed = 0, protocol = "sao", time_limit = None,
    discount = None, discount_mode = "genius", repetitions = 1
))]
#[allow(clippy::too_many_arguments)]
fn negotiate_json(
    py: Python<'_>,
    scenario: &PyScenario,
    agents: &Bound<'_, PyList>,
    steps: u32,
    seed: u64,
    protocol: &str,
    time_limit: Option<f64>,
    discount: Option<f64>,
    discount_mode: &str,
    repetitions: u32,
) -> PyResult<String> {
    let inner = scenario.inner.clone();
    let setting = py.detach(|| engine::setting(inner.clone())).map_err(|err| to_py_err(py, err))?;
    let errors: ErrorSlot = Arc::new(Mutex::new(None));
    let epoch = interrupts();
    let caches = vec![(inner.clone(), scenario.outcome_dicts.clone())];
    let seats = seats_of(py, agents, false, &caches, &errors, epoch)?;
    let mut request = NegotiateRequest::new(seats);
    request.steps = steps;
    request.seed = seed;
    request.protocol = protocol.to_owned();
    request.time_limit = time_limit;
    request.discount = discount;
    request.discount_mode = discount_mode.to_owned();
    request.repetitions = repetitions;
    let outcome = run_cancellable(py, &errors, epoch, |token| {
        engine::negotiate(&inner, &setting, request, token)
    })?;
    if let Some(err) = errors.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).take() {
        return Err(err);
    }
    let report = outcome.map_err(|err| to_py_err(py, err))?;
    serde_json::to_string(&report).map_err(|err| PyValueError::new_err(err.to_string()))
}

/// SIGINTs seen since the module was loaded, counted by a handler chained before Python's own
/// (which still runs, so Python raises `KeyboardInterrupt` as usual). Work off the main thread
/// cannot ask Python whether a signal is pending; it reads this counter.
static INTERRUPTS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);

/// The number of SIGINTs seen so far (installs the counting handler on first use).
pub(crate) fn interrupts() -> u64 {
    static INSTALLED: std::sync::OnceLock<()> = std::sync::OnceLock::new();
    INSTALLED.get_or_init(|| {
        // SAFETY: the action only increments an atomic, which is async-signal-safe.
        let _ = unsafe {
            signal_hook_registry::register(2 /* SIGINT */, || {
                INTERRUPTS.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            })
        };
    });
    INTERRUPTS.load(std::sync::atomic::Ordering::SeqCst)
}

/// Runs `work` with the GIL released while a watcher thread looks for Ctrl-C and for an error
/// raised in a Python agent; either cancels the work through its [`impasse_app::Token`] (the one
/// cancellation mechanism of every front end). The work stays on the calling thread, so Python
/// agents it calls find that thread's Python state ready.
fn run_cancellable<T: Send>(
    py: Python<'_>,
    errors: &agent::ErrorSlot,
    epoch: u64,
    work: impl FnOnce(&impasse_app::Token) -> T + Send,
) -> PyResult<T> {
    let token = impasse_app::Token::new();
    let (stop, stopped) = std::sync::mpsc::sync_channel::<()>(1);
    let (watched, errors) = (token.clone(), errors.clone());
    let out = std::thread::scope(|scope| {
        scope.spawn(move || {
            // Plain Rust (a counter, the error slot): the watcher never needs the GIL.
            while stopped.recv_timeout(std::time::Duration::from_millis(5)).is_err() {
                if interrupts() != epoch || agent::failed(&errors) {
                    watched.cancel();
                }
            }
        });
        let out = py.detach(|| work(&token));
        let _ = stop.send(());
        out
    });
    // Ctrl-C: Python's own KeyboardInterrupt, raised here rather than at the next bytecode.
    py.check_signals()?;
    if interrupts() != epoch {
        return Err(pyo3::exceptions::PyKeyboardInterrupt::new_err("cancelled"));
    }
    Ok(out)
}

/// The seats of `agents`: built-in agent names (and `all`, where `all` is allowed) and Python
/// agents, each Python agent built once per negotiation on that negotiation's scenario (its
/// outcome dicts cached per scenario in `caches`).
fn seats_of(
    py: Python<'_>,
    agents: &Bound<'_, PyList>,
    allow_all: bool,
    caches: &[(Arc<Scenario>, agent::OutcomeCache)],
    errors: &ErrorSlot,
    epoch: u64,
) -> PyResult<Vec<Seat>> {
    let mut seats = Vec::new();
    for (k, agent) in agents.iter().enumerate() {
        if let Ok(name) = agent.extract::<String>() {
            if allow_all && name.trim().eq_ignore_ascii_case("all") {
                seats.extend(impasse_negotiate::BUILT_IN.iter().map(|spec| Seat::BuiltIn(*spec)));
            } else {
                seats.push(Seat::BuiltIn(engine::agent_spec(&name).map_err(|e| to_py_err(py, e))?));
            }
            continue;
        }
        if !(agent.hasattr("propose")? && agent.hasattr("respond")?) {
            return Err(PyTypeError::new_err(format!(
                "agent {k} is neither a built-in agent name nor an object with propose() and \
                 respond() (an impasse.Agent): {}",
                agent.repr()?
            )));
        }
        let label = agent.get_type().name()?.to_string();
        let object = agent.clone().unbind();
        let (errors, caches) = (errors.clone(), caches.to_vec());
        seats.push(Seat::Custom(
            label,
            Box::new(move |scenario: Arc<Scenario>, setting, me| {
                let outcomes = caches
                    .iter()
                    .find(|(s, _)| Arc::ptr_eq(s, &scenario))
                    .map(|(_, cache)| cache.clone())
                    .unwrap_or_default();
                Python::attach(|py| {
                    let agent = PyAgent::new(
                        py,
                        object.clone_ref(py),
                        scenario,
                        setting,
                        me,
                        errors.clone(),
                        outcomes,
                        epoch,
                    );
                    match agent {
                        Ok(agent) => Box::new(agent) as Box<dyn impasse_negotiate::Agent>,
                        Err(err) => {
                            agent::store(&errors, err);
                            Box::new(Ended)
                        }
                    }
                })
            }),
        ));
    }
    Ok(seats)
}

/// Runs the dynamics models; returns the report as JSON text (`impasse dynamics --format json`).
#[pyfunction]
#[pyo3(signature = (
    scenario, set = None, runs = 10_000, seed = 0, horizon = None, stalemate = None,
    models = None, sweep = None
))]
#[allow(clippy::too_many_arguments)]
fn dynamics_json(
    py: Python<'_>,
    scenario: &PyScenario,
    set: Option<&Bound<'_, PyAny>>,
    runs: u64,
    seed: u64,
    horizon: Option<u32>,
    stalemate: Option<f64>,
    models: Option<Vec<String>>,
    sweep: Option<Vec<String>>,
) -> PyResult<String> {
    let overrides = overrides(set)?;
    let inner = scenario.inner.clone();
    let path = scenario.path.clone().map(PathBuf::from);
    let stalemate = stalemate.unwrap_or(impasse_dynamics_default_stalemate());
    let (models, sweep) = (models.unwrap_or_default(), sweep.unwrap_or_default());
    let errors: ErrorSlot = Arc::new(Mutex::new(None));
    let outcome = run_cancellable(py, &errors, interrupts(), |token| {
        engine::dynamics(
            &inner,
            path.as_deref(),
            &overrides,
            runs,
            seed,
            horizon,
            stalemate,
            &models,
            &sweep,
            token,
        )
    })?;
    let report = outcome.map_err(|err| to_py_err(py, err))?;
    serde_json::to_string(&report).map_err(|err| PyValueError::new_err(err.to_string()))
}

fn impasse_dynamics_default_stalemate() -> f64 {
    impasse_app::dynamics::DynamicsRequest::default().stalemate
}

/// The GENIUS export of a scenario; returns the report as JSON text.
#[pyfunction]
fn export_json(py: Python<'_>, scenario: &PyScenario) -> PyResult<String> {
    let inner = scenario.inner.clone();
    let report = py.detach(|| engine::export(&inner)).map_err(|err| to_py_err(py, err))?;
    serde_json::to_string(&report).map_err(|err| PyValueError::new_err(err.to_string()))
}

/// Runs a tournament; returns the report and, in memory, the rows, as JSON text.
#[pyfunction]
#[pyo3(signature = (
    scenarios, agents, repetitions = 1, steps = 100, seed = 0, protocol = "sao", output = None,
    fresh = false
))]
#[allow(clippy::too_many_arguments)]
fn tournament_json(
    py: Python<'_>,
    scenarios: Vec<(String, PyRef<'_, PyScenario>)>,
    agents: &Bound<'_, PyList>,
    repetitions: u32,
    steps: u32,
    seed: u64,
    protocol: &str,
    output: Option<PathBuf>,
    fresh: bool,
) -> PyResult<(String, String)> {
    let mut entries = Vec::new();
    let mut caches: Vec<(Arc<Scenario>, agent::OutcomeCache)> = Vec::new();
    for (name, scenario) in &scenarios {
        let inner = scenario.inner.clone();
        let setting =
            py.detach(|| engine::setting(inner.clone())).map_err(|err| to_py_err(py, err))?;
        caches.push((inner.clone(), scenario.outcome_dicts.clone()));
        entries.push((name.clone(), inner, setting));
    }
    let errors: ErrorSlot = Arc::new(Mutex::new(None));
    let epoch = interrupts();
    let seats = seats_of(py, agents, true, &caches, &errors, epoch)?;
    let outcome = run_cancellable(py, &errors, epoch, |token| {
        engine::tournament(
            entries,
            seats,
            repetitions,
            steps,
            seed,
            protocol,
            output.as_deref(),
            fresh,
            token,
        )
    })?;
    if let Some(err) = errors.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).take() {
        return Err(err);
    }
    let (report, rows) = outcome.map_err(|err| to_py_err(py, err))?;
    Ok((
        serde_json::to_string(&report).map_err(|err| PyValueError::new_err(err.to_string()))?,
        serde_json::to_string(&rows).map_err(|err| PyValueError::new_err(err.to_string()))?,
    ))
}

/// Stands in for a Python agent that could not be set up (the error is already stored).
struct Ended;

impl impasse_negotiate::Agent for Ended {
    fn respond(
        &mut self,
        _state: &impasse_negotiate::State,
        _offer: u32,
    ) -> impasse_negotiate::Response {
        impasse_negotiate::Response::End
    }

    fn propose(&mut self, _state: &impasse_negotiate::State) -> Option<u32> {
        None
    }

    fn vote(&mut self, _state: &impasse_negotiate::State, _current: u32, _proposal: u32) -> bool {
        false
    }
}

/// Builds a linear-additive scenario (the native half of `impasse.from_negmas`).
///
/// `issues` is a list of `(name, values)`: a list of labels, or `(min, max)` for integers;
/// `parties` a list of `(id, weights, values, offset, reservation)`.
#[pyfunction]
#[pyo3(signature = (name, issues, parties))]
#[allow(clippy::type_complexity)]
fn scenario_from_tables(
    name: &str,
    issues: Vec<(String, Bound<'_, PyAny>)>,
    parties: Vec<(String, Vec<f64>, Vec<Vec<f64>>, f64, f64)>,
) -> PyResult<PyScenario> {
    let mut table_issues = Vec::new();
    for (issue, values) in issues {
        let values = if let Ok((min, max)) = values.extract::<(i64, i64)>() {
            TableIssue::Integers(min, max)
        } else {
            TableIssue::Labels(values.extract::<Vec<String>>()?)
        };
        table_issues.push((issue, values));
    }
    let parties = parties
        .into_iter()
        .map(|(id, weights, values, offset, reservation)| TableParty {
            id,
            weights,
            values,
            offset,
            reservation,
        })
        .collect();
    let scenario = engine::scenario_from_tables(name, table_issues, parties)
        .map_err(|err| Python::attach(|py| to_py_err(py, err)))?;
    Ok(PyScenario::new(scenario, None))
}

/// The native module.
#[pymodule]
fn _impasse(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("ScenarioError", m.py().get_type::<ScenarioError>())?;
    m.add_class::<PyDiagnostic>()?;
    m.add_class::<PyScenario>()?;
    m.add_class::<PyState>()?;
    m.add_function(wrap_pyfunction!(load, m)?)?;
    m.add_class::<PyAnalysis>()?;
    m.add_function(wrap_pyfunction!(analyze, m)?)?;
    m.add_function(wrap_pyfunction!(negotiate_json, m)?)?;
    m.add_function(wrap_pyfunction!(dynamics_json, m)?)?;
    m.add_function(wrap_pyfunction!(export_json, m)?)?;
    m.add_function(wrap_pyfunction!(tournament_json, m)?)?;
    m.add_function(wrap_pyfunction!(scenario_from_tables, m)?)?;
    m.add("AGENT_NAMES", engine::agent_names())?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
