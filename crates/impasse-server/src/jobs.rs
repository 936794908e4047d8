//! Long jobs (tournaments): run on their own thread through `impasse-app`, with progress, live
//! standings, cancellation between batches and a time limit (one [`impasse_app::Token`]).

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use impasse_negotiate::tournament::{Summary, Tournament};
use schemars::JsonSchema;
use serde::Serialize;

use crate::error::ApiError;

/// Finished jobs kept for their results; the oldest finished ones are dropped beyond this.
const KEEP_FINISHED: usize = 64;

/// A job's state.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Status {
    Running,
    Done,
    Cancelled,
    Failed,
    TimedOut,
}

impl Status {
    fn as_str(self) -> &'static str {
        match self {
            Status::Running => "running",
            Status::Done => "done",
            Status::Cancelled => "cancelled",
            Status::Failed => "failed",
            Status::TimedOut => "timed_out",
        }
    }
}

#[derive(Debug)]
struct State {
    status: Status,
    done: u64,
    summary: Summary,
    error: Option<String>,
    finished: Option<Instant>,
}

/// A job as the API shows it (`GET /api/jobs/{id}`): progress, live standings, how it ended.
#[derive(Clone, Debug, Serialize, JsonSchema)]
#[schemars(rename = "Job")]
pub(crate) struct JobReport {
    /// The job's id.
    pub(crate) id: String,
    /// The id again, in the answer to `POST /api/tournaments` only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) job: Option<String>,
    /// Whether this request stopped a running job (in the answer to `DELETE` only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) cancelled_now: Option<bool>,
    /// `tournament`.
    pub(crate) kind: &'static str,
    /// `running`, `done`, `cancelled`, `failed` or `timed_out`.
    pub(crate) status: &'static str,
    /// Negotiations done.
    pub(crate) done: u64,
    /// Negotiations in all.
    pub(crate) total: u64,
    /// Wall-clock seconds since it started (until it finished).
    pub(crate) elapsed_seconds: f64,
    /// The scenarios, by name.
    pub(crate) scenarios: Vec<String>,
    /// The agents.
    pub(crate) agents: Vec<String>,
    /// Negotiations summarised in the standings.
    pub(crate) negotiations: u64,
    /// Of which ended in agreement.
    pub(crate) agreements: u64,
    /// The standings so far, best first.
    pub(crate) standings: Vec<impasse_negotiate::tournament::Standing>,
    /// Why it stopped early, if it did.
    pub(crate) error: Option<String>,
}

/// One tournament run.
#[derive(Debug)]
pub(crate) struct Job {
    id: String,
    started: Instant,
    total: u64,
    scenarios: Vec<String>,
    agents: Vec<String>,
    token: impasse_app::Token,
    timeout: Duration,
    state: Mutex<State>,
}

impl Job {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub(crate) fn id(&self) -> &str {
        &self.id
    }

    fn status(&self) -> Status {
        self.lock().status
    }

    /// The job as the API shows it.
    pub(crate) fn report(&self) -> JobReport {
        let state = self.lock();
        let elapsed = state.finished.unwrap_or_else(Instant::now).duration_since(self.started);
        JobReport {
            id: self.id.clone(),
            job: None,
            cancelled_now: None,
            kind: "tournament",
            status: state.status.as_str(),
            done: state.done,
            total: self.total,
            elapsed_seconds: elapsed.as_secs_f64(),
            scenarios: self.scenarios.clone(),
            agents: self.agents.clone(),
            negotiations: state.summary.negotiations,
            agreements: state.summary.agreements,
            standings: state.summary.standings(),
            error: state.error.clone(),
        }
    }

    /// Asks the job to stop; returns whether it was running.
    pub(crate) fn cancel(&self) -> bool {
        self.token.cancel();
        let mut state = self.lock();
        if state.status == Status::Running {
            state.status = Status::Cancelled;
            state.finished = Some(Instant::now());
            true
        } else {
            false
        }
    }

    fn finish(&self, status: Status, error: Option<String>) {
        let mut state = self.lock();
        if state.status == Status::Running {
            state.status = status;
            state.error = error;
            state.finished = Some(Instant::now());
        }
    }

    /// Runs the tournament through the application layer; the token stops it on cancellation
    /// or at the time limit, between batches of negotiations.
    fn run(&self, tournament: &Tournament) {
        let outcome = impasse_app::tournament::run_in_memory(tournament, &self.token, |rows| {
            let mut state = self.lock();
            if state.status != Status::Running {
                // Cancelled while this batch ran: the standings stay as they were answered.
                return;
            }
            for row in rows {
                state.summary.add(row);
            }
            state.done += rows.len() as u64;
        });
        match outcome {
            Ok(_) => self.finish(Status::Done, None),
            Err(impasse_app::AppError::TimedOut) => self.finish(
                Status::TimedOut,
                Some(format!(
                    "stopped after the limit of {} s; the standings cover the negotiations run",
                    self.timeout.as_secs()
                )),
            ),
            Err(impasse_app::AppError::Cancelled) => {}
            Err(err) => self.finish(Status::Failed, Some(err.to_string())),
        }
    }
}

/// The jobs of this server.
#[derive(Debug)]
pub(crate) struct Jobs {
    jobs: Mutex<BTreeMap<String, Arc<Job>>>,
    counter: AtomicU64,
    max_running: usize,
    timeout: Duration,
}

impl Jobs {
    pub(crate) fn new(max_running: usize, timeout: Duration) -> Jobs {
        Jobs { jobs: Mutex::new(BTreeMap::new()), counter: AtomicU64::new(0), max_running, timeout }
    }

    fn lock(&self) -> MutexGuard<'_, BTreeMap<String, Arc<Job>>> {
        self.jobs.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub(crate) fn get(&self, id: &str) -> Option<Arc<Job>> {
        self.lock().get(id).cloned()
    }

    pub(crate) fn list(&self) -> Vec<Arc<Job>> {
        self.lock().values().cloned().collect()
    }

    /// Starts a tournament on its own thread.
    pub(crate) fn start(
        &self,
        tournament: Tournament,
        scenarios: Vec<String>,
    ) -> Result<Arc<Job>, ApiError> {
        let mut jobs = self.lock();
        let running = jobs.values().filter(|j| j.status() == Status::Running).count();
        if running >= self.max_running {
            return Err(ApiError::busy(format!(
                "{running} tournament(s) already running (the limit); wait for one to finish or \
                 cancel one"
            )));
        }
        // Forget the oldest finished jobs beyond the number kept.
        let mut finished: Vec<(Instant, String)> =
            jobs.values().filter_map(|j| j.lock().finished.map(|t| (t, j.id.clone()))).collect();
        if finished.len() >= KEEP_FINISHED {
            finished.sort();
            for (_, id) in finished.iter().take(finished.len() + 1 - KEEP_FINISHED) {
                jobs.remove(id);
            }
        }
        let n = self.counter.fetch_add(1, Ordering::Relaxed) + 1;
        let salt = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.subsec_nanos());
        let id = format!("t{n}-{:05x}", salt & 0xfffff);
        let job = Arc::new(Job {
            id: id.clone(),
            started: Instant::now(),
            total: tournament.len(),
            scenarios,
            agents: tournament.agents.iter().map(|a| a.name()).collect(),
            token: impasse_app::Token::with_deadline(self.timeout),
            timeout: self.timeout,
            state: Mutex::new(State {
                status: Status::Running,
                done: 0,
                summary: Summary::default(),
                error: None,
                finished: None,
            }),
        });
        let worker = job.clone();
        std::thread::Builder::new()
            .name(format!("impasse-job-{id}"))
            .spawn(move || {
                let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    worker.run(&tournament);
                }));
                if outcome.is_err() {
                    worker.finish(Status::Failed, Some("the tournament failed (a bug)".to_owned()));
                }
            })
            .map_err(|err| ApiError::busy(format!("cannot start a worker thread: {err}")))?;
        jobs.insert(id, job.clone());
        Ok(job)
    }
}
