//! Outcomes between Python (`{issue: value}` dicts) and the model (value indices, outcome indices).

use impasse_core::{Scenario, Value};
use pyo3::exceptions::PyValueError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyString};

/// A Python value of an issue value: a `str` label, an `int` or a `float`.
pub(crate) fn value_to_py<'py>(py: Python<'py>, value: Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match value {
        Value::Label(label) => PyString::new(py, &label).into_any(),
        Value::Int(v) => v.into_pyobject(py)?.into_any(),
        Value::Real(v) => PyFloat::new(py, v).into_any(),
    })
}

/// The outcome with index `outcome` as an `{issue id: value}` dict.
pub(crate) fn outcome_to_py<'py>(
    py: Python<'py>,
    scenario: &Scenario,
    outcome: u64,
) -> PyResult<Bound<'py, PyDict>> {
    let mut values = vec![0; scenario.space().n_issues()];
    scenario.space().decode(outcome, &mut values);
    let dict = PyDict::new(py);
    for (issue, &value) in scenario.issues().iter().zip(&values) {
        dict.set_item(&issue.id, value_to_py(py, issue.value(value))?)?;
    }
    Ok(dict)
}

/// The index of an outcome given as an `{issue: value}` dict (issues by id or by name) or as an
/// outcome index.
pub(crate) fn outcome_from_py(scenario: &Scenario, obj: &Bound<'_, PyAny>) -> PyResult<u64> {
    let size = scenario.space().size().unwrap_or(u64::MAX);
    if obj.is_instance_of::<PyInt>() && !obj.is_instance_of::<PyBool>() {
        let index: u64 = obj.extract()?;
        if index >= size {
            return Err(PyValueError::new_err(format!(
                "outcome index {index} is out of range; the space has {size} outcomes"
            )));
        }
        return Ok(index);
    }
    let Ok(dict) = obj.cast::<PyDict>() else {
        return Err(PyValueError::new_err(format!(
            "an outcome is a dict {{issue: value}} or an outcome index, found {}",
            obj.repr()?
        )));
    };
    let issues = scenario.issues();
    let mut values = vec![u32::MAX; issues.len()];
    for (key, value) in dict.iter() {
        let Ok(key) = key.cast::<PyString>() else {
            return Err(PyValueError::new_err(format!(
                "issue names are strings, found {}",
                key.repr()?
            )));
        };
        let key = key.to_str()?;
        let Some(at) = issues
            .iter()
            .position(|i| i.id == key)
            .or_else(|| issues.iter().position(|i| i.name == key))
        else {
            let known: Vec<&str> = issues.iter().map(|i| i.id.as_str()).collect();
            return Err(PyValueError::new_err(format!(
                "unknown issue '{key}'; known issues: {}",
                known.join(", ")
            )));
        };
        let issue = &issues[at];
        let index = if let Ok(label) = value.cast::<PyString>() {
            let label = label.to_str()?;
            issue.label_index(label).or_else(|| {
                label.parse::<f64>().ok().and_then(|number| issue.numeric_index(number))
            })
        } else if value.is_instance_of::<PyInt>() || value.is_instance_of::<PyFloat>() {
            let number: f64 = value.extract()?;
            issue.numeric_index(number).or_else(|| {
                // A label that reads as a number (GENIUS values such as "10").
                let text = value.str().ok()?.to_string();
                issue.label_index(&text)
            })
        } else {
            None
        };
        let Some(index) = index else {
            return Err(PyValueError::new_err(format!(
                "{} is not a value of issue '{}'",
                value.repr()?,
                issue.id
            )));
        };
        values[at] = index;
    }
    if let Some(missing) = values.iter().position(|&v| v == u32::MAX) {
        return Err(PyValueError::new_err(format!(
            "the outcome gives no value for issue '{}'",
            issues[missing].id
        )));
    }
    Ok(scenario.space().encode(&values))
}
