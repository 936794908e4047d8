//! Long jobs (tournaments): run on their own thread in batches, with progress, live standings,
//! cancellation between batches and a time limit.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use impasse_negotiate::tournament::{Row, Summary, Tournament};
use rayon::prelude::*;
use serde_json::{Value, json};

use crate::error::ApiError;

/// Finished jobs kept for their results; the oldest finished ones are dropped beyond this.
const KEEP_FINISHED: usize = 64;
/// A batch is grown until it takes about this long, so cancellation answers quickly.
const BATCH_TARGET: Duration = Duration::from_millis(200);
/// The largest batch.
const MAX_BATCH: u64 = 8192;

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

/// One tournament run.
#[derive(Debug)]
pub(crate) struct Job {
    id: String,
    started: Instant,
    total: u64,
    scenarios: Vec<String>,
    agents: Vec<String>,
    cancel: AtomicBool,
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
    pub(crate) fn json(&self) -> Value {
        let state = self.lock();
        let elapsed = state.finished.unwrap_or_else(Instant::now).duration_since(self.started);
        json!({
            "id": self.id,
            "kind": "tournament",
            "status": state.status.as_str(),
            "done": state.done,
            "total": self.total,
            "elapsed_seconds": elapsed.as_secs_f64(),
            "scenarios": self.scenarios,
            "agents": self.agents,
            "negotiations": state.summary.negotiations,
            "agreements": state.summary.agreements,
            "standings": state.summary.standings(),
            "error": state.error,
        })
    }

    /// Asks the job to stop; returns whether it was running.
    pub(crate) fn cancel(&self) -> bool {
        self.cancel.store(true, Ordering::Relaxed);
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

    fn run(&self, tournament: &Tournament, timeout: Duration) {
        let mut next = 0u64;
        let mut batch = 16u64;
        while next < self.total {
            if self.cancel.load(Ordering::Relaxed) {
                return;
            }
            if self.started.elapsed() >= timeout {
                self.finish(
                    Status::TimedOut,
                    Some(format!(
                        "stopped after the limit of {} s; the standings cover the negotiations run",
                        timeout.as_secs()
                    )),
                );
                return;
            }
            let end = (next + batch).min(self.total);
            let t0 = Instant::now();
            let rows: Vec<Row> =
                (next..end).into_par_iter().map(|id| tournament.run_one(id)).collect();
            if t0.elapsed() < BATCH_TARGET / 2 {
                batch = (batch * 2).min(MAX_BATCH);
            }
            let mut state = self.lock();
            if state.status != Status::Running {
                return;
            }
            for row in &rows {
                state.summary.add(row);
            }
            state.done = end;
            next = end;
        }
        self.finish(Status::Done, None);
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
            agents: tournament.agents.iter().map(ToString::to_string).collect(),
            cancel: AtomicBool::new(false),
            state: Mutex::new(State {
                status: Status::Running,
                done: 0,
                summary: Summary::default(),
                error: None,
                finished: None,
            }),
        });
        let worker = job.clone();
        let timeout = self.timeout;
        std::thread::Builder::new()
            .name(format!("impasse-job-{id}"))
            .spawn(move || {
                let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    worker.run(&tournament, timeout);
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
