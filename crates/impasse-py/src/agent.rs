//! Agents written in Python: a Rust [`Agent`] that holds the Python object and calls it with the
//! GIL held, one call per decision.

use std::sync::{Arc, Mutex, OnceLock};

use impasse_core::Scenario;
use impasse_negotiate::{Agent, Response, Setting, State};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyList, PyTuple};

use crate::convert::{outcome_from_py, outcome_to_py};

/// The first error raised by a Python agent (or Ctrl-C) in a negotiation; once set, every Python
/// agent of that negotiation ends it at its next turn.
pub(crate) type ErrorSlot = Arc<Mutex<Option<PyErr>>>;

/// Stores `err` unless an earlier error is already stored.
pub(crate) fn store(slot: &ErrorSlot, err: PyErr) {
    let mut guard = slot.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
    if guard.is_none() {
        *guard = Some(err);
    }
}

/// Whether an error is stored.
pub(crate) fn failed(slot: &ErrorSlot) -> bool {
    slot.lock().unwrap_or_else(|poisoned| poisoned.into_inner()).is_some()
}

/// What a Python agent sees when asked to act (`impasse.State`).
///
/// One object per agent and negotiation; `step`, `relative_time` and `offer` change between
/// calls, `offers` grows as offers are made.
#[pyclass(module = "impasse._impasse", name = "State")]
pub(crate) struct PyState {
    scenario: Arc<Scenario>,
    setting: Arc<Setting>,
    me: usize,
    step: u32,
    time: f64,
    n_steps: Option<u32>,
    offer: Option<u32>,
    offers: Py<PyList>,
    outcomes: OutcomeCache,
}

/// Every outcome of a scenario as dicts, built once and shared by every agent that asks.
pub(crate) type OutcomeCache = Arc<OnceLock<Py<PyList>>>;

#[pymethods]
impl PyState {
    /// The current step (0-based); one step is one turn of every party.
    #[getter]
    fn step(&self) -> u32 {
        self.step
    }

    /// Relative time in [0, 1]: (step + 1) / (n_steps + 1) under a step deadline.
    #[getter]
    fn relative_time(&self) -> f64 {
        self.time
    }

    /// The step deadline, if any.
    #[getter]
    fn n_steps(&self) -> Option<u32> {
        self.n_steps
    }

    /// This agent's party id.
    #[getter]
    fn party(&self) -> &str {
        &self.setting.parties()[self.me].id
    }

    /// The scenario being negotiated over.
    #[getter]
    fn scenario(&self) -> crate::PyScenario {
        crate::PyScenario::new_shared(self.scenario.clone(), self.outcomes.clone())
    }

    /// Every party id, in order.
    #[getter]
    fn parties(&self) -> Vec<String> {
        self.setting.parties().iter().map(|p| p.id.clone()).collect()
    }

    /// This agent's reservation value (its utility without agreement).
    #[getter]
    fn reservation(&self) -> f64 {
        self.setting.profiles()[self.me].reserved()
    }

    /// The offers so far, as (party id, outcome) pairs, oldest first.
    #[getter]
    fn offers(&self, py: Python<'_>) -> Py<PyList> {
        self.offers.clone_ref(py)
    }

    /// The offer on the table, if any.
    #[getter]
    fn offer<'py>(&self, py: Python<'py>) -> PyResult<Option<Bound<'py, PyAny>>> {
        self.offer
            .map(|o| Ok(outcome_to_py(py, &self.scenario, u64::from(o))?.into_any()))
            .transpose()
    }

    /// This agent's utility of an outcome (a dict or an outcome index), red-line penalties
    /// included, as the built-in agents see it.
    fn utility(&self, outcome: &Bound<'_, PyAny>) -> PyResult<f64> {
        let index = outcome_from_py(&self.scenario, outcome)?;
        Ok(self.setting.profiles()[self.me].utility(index as u32))
    }

    /// Whether this agent may accept an outcome: at least its reservation value, crossing none of
    /// its absolute red lines and meeting its preconditions.
    fn acceptable(&self, outcome: &Bound<'_, PyAny>) -> PyResult<bool> {
        let index = outcome_from_py(&self.scenario, outcome)?;
        Ok(self.setting.profiles()[self.me].is_acceptable(index as u32))
    }

    /// Every outcome (package), as dicts, in outcome-index order. The list is built once per
    /// scenario and shared: read it, do not modify it.
    fn outcomes(&self, py: Python<'_>) -> PyResult<Py<PyList>> {
        if let Some(list) = self.outcomes.get() {
            return Ok(list.clone_ref(py));
        }
        let list = PyList::empty(py);
        for o in 0..u64::from(self.setting.n_outcomes()) {
            list.append(outcome_to_py(py, &self.scenario, o)?)?;
        }
        let _ = self.outcomes.set(list.unbind());
        Ok(self.outcomes.get().expect("set just above").clone_ref(py))
    }

    fn __repr__(&self) -> String {
        format!(
            "State(party={:?}, step={}, relative_time={:.4})",
            self.setting.parties()[self.me].id,
            self.step,
            self.time
        )
    }
}

/// A Python object with `propose(state)` and `respond(state, offer)` playing one party.
pub(crate) struct PyAgent {
    object: Py<PyAny>,
    state: Py<PyState>,
    scenario: Arc<Scenario>,
    errors: ErrorSlot,
    /// [`crate::interrupts`] when the call that plays this agent started: a SIGINT since stops it.
    epoch: u64,
}

impl PyAgent {
    /// An agent for party `me`, with a fresh state (no offers yet).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn new(
        py: Python<'_>,
        object: Py<PyAny>,
        scenario: Arc<Scenario>,
        setting: Arc<Setting>,
        me: usize,
        errors: ErrorSlot,
        outcomes: OutcomeCache,
        epoch: u64,
    ) -> PyResult<PyAgent> {
        let state = PyState {
            scenario: scenario.clone(),
            setting,
            me,
            step: 0,
            time: 0.0,
            n_steps: None,
            offer: None,
            offers: PyList::empty(py).unbind(),
            outcomes,
        };
        Ok(PyAgent { object, state: Py::new(py, state)?, scenario, errors, epoch })
    }

    /// Runs `call` with the GIL held and the state brought up to date; an error (or Ctrl-C) is
    /// stored and gives `None`.
    fn call<T>(
        &self,
        state: &State,
        call: impl FnOnce(Python<'_>, &Bound<'_, PyState>) -> PyResult<T>,
    ) -> Option<T> {
        if failed(&self.errors) {
            return None;
        }
        if crate::interrupts() != self.epoch {
            store(&self.errors, pyo3::exceptions::PyKeyboardInterrupt::new_err("cancelled"));
            return None;
        }
        Python::attach(|py| {
            let result = py.check_signals().and_then(|()| {
                let bound = self.state.bind(py);
                {
                    let mut s = bound.borrow_mut();
                    s.step = state.step;
                    s.time = state.time;
                    s.n_steps = state.n_steps;
                    s.offer = state.offer;
                }
                call(py, bound)
            });
            result.map_err(|err| store(&self.errors, err)).ok()
        })
    }

    /// Appends an offer to the state's `offers`.
    fn record(&self, py: Python<'_>, proposer: usize, offer: u32) -> PyResult<()> {
        let state = self.state.bind(py).borrow();
        let parties = state.setting.parties();
        let party = parties.get(proposer).map_or_else(|| "mediator".to_owned(), |p| p.id.clone());
        let outcome = outcome_to_py(py, &self.scenario, u64::from(offer))?;
        let pair = PyTuple::new(py, [party.into_pyobject(py)?.into_any(), outcome.into_any()])?;
        state.offers.bind(py).append(pair)
    }
}

impl Agent for PyAgent {
    fn respond(&mut self, state: &State, offer: u32) -> Response {
        self.call(state, |py, st| {
            let outcome = outcome_to_py(py, &self.scenario, u64::from(offer))?;
            let answer = self.object.bind(py).call_method1("respond", (st, outcome))?;
            if let Ok(flag) = answer.extract::<bool>() {
                return Ok(if flag { Response::Accept } else { Response::Reject });
            }
            match answer.extract::<String>()?.to_ascii_lowercase().as_str() {
                "accept" => Ok(Response::Accept),
                "reject" => Ok(Response::Reject),
                "end" => Ok(Response::End),
                other => Err(PyValueError::new_err(format!(
                    "respond() returned '{other}'; expected 'accept', 'reject' or 'end'"
                ))),
            }
        })
        .unwrap_or(Response::End)
    }

    fn propose(&mut self, state: &State) -> Option<u32> {
        self.call(state, |py, st| {
            let offer = self.object.bind(py).call_method1("propose", (st,))?;
            if offer.is_none() {
                return Ok(None);
            }
            let index = outcome_from_py(&self.scenario, &offer).map_err(|err| {
                PyValueError::new_err(format!("propose() returned a bad outcome: {err}"))
            })? as u32;
            self.record(py, state.me, index)?;
            Ok(Some(index))
        })
        .flatten()
    }

    fn observe(&mut self, state: &State, proposer: usize, offer: u32) {
        self.call(state, |py, _| self.record(py, proposer, offer));
    }

    fn vote(&mut self, state: &State, current: u32, proposal: u32) -> bool {
        self.call(state, |py, st| {
            let current = outcome_to_py(py, &self.scenario, u64::from(current))?;
            let proposal = outcome_to_py(py, &self.scenario, u64::from(proposal))?;
            self.object.bind(py).call_method1("vote", (st, current, proposal))?.extract::<bool>()
        })
        .unwrap_or(false)
    }
}
