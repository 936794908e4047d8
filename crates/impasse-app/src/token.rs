//! One cancellation-and-progress token for every long job.
//!
//! A front end makes a [`Token`], hands a clone to the work and keeps one: the CLI draws its
//! progress bar from [`Token::on_progress`], the server cancels a job or a request whose client
//! went away with [`Token::cancel`] and bounds it with [`Token::with_deadline`], the Python
//! package cancels on Ctrl-C. The work calls [`Token::checkpoint`] between units of work (a batch
//! of negotiations, a chunk of replications, a sweep point) and [`Token::advance`] as it goes.
//!
//! [`Token::checkpoint`] stops cancelled work by unwinding with a [`Cancelled`] payload (through
//! rayon's workers too), so library loops need no error path for it; every `impasse-app` entry
//! catches that unwind and returns [`crate::AppError::Cancelled`]. `resume_unwind` calls no panic
//! hook, so a stop leaves no trace in logs; any other panic is re-raised unchanged.

use std::panic::{AssertUnwindSafe, catch_unwind, resume_unwind};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

use crate::AppError;

/// The payload of the unwind that stops cancelled work.
#[derive(Debug)]
pub struct Cancelled;

type Callback = Box<dyn Fn(Progress) + Send + Sync>;

/// How far a job has come: units done of units in all (0 when not known yet), and what a unit is.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Progress {
    /// Units done.
    pub done: u64,
    /// Units in all (0 while unknown).
    pub total: u64,
    /// What a unit is: `negotiations`, `replications`, `sweep points`, `repetitions`.
    pub unit: &'static str,
}

#[derive(Default)]
struct Inner {
    cancelled: AtomicBool,
    deadline: Option<Instant>,
    done: AtomicU64,
    total: AtomicU64,
    unit: OnceLock<&'static str>,
    callback: Option<Callback>,
}

/// A cancellation flag, an optional deadline and a progress counter, shared by a job and whoever
/// watches it. Cheap to clone (one `Arc`).
#[derive(Clone, Default)]
pub struct Token {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Token")
            .field("cancelled", &self.is_cancelled())
            .field("progress", &self.progress())
            .finish()
    }
}

impl Token {
    /// A token that is never cancelled unless [`Token::cancel`] is called.
    pub fn new() -> Token {
        Token::default()
    }

    /// A token that also counts as cancelled once `limit` has passed.
    pub fn with_deadline(limit: Duration) -> Token {
        let now = Instant::now();
        let deadline = now.checked_add(limit).unwrap_or(now + Duration::from_secs(86_400 * 365));
        Token { inner: Arc::new(Inner { deadline: Some(deadline), ..Inner::default() }) }
    }

    /// A token that calls `callback` on every progress update (from the working threads: keep it
    /// cheap), with an optional deadline.
    pub fn with_progress(
        deadline: Option<Duration>,
        callback: impl Fn(Progress) + Send + Sync + 'static,
    ) -> Token {
        let now = Instant::now();
        let deadline = deadline
            .map(|limit| now.checked_add(limit).unwrap_or(now + Duration::from_secs(86_400 * 365)));
        Token {
            inner: Arc::new(Inner {
                deadline,
                callback: Some(Box::new(callback)),
                ..Inner::default()
            }),
        }
    }

    /// Asks the work to stop at its next checkpoint.
    pub fn cancel(&self) {
        self.inner.cancelled.store(true, Ordering::Relaxed);
    }

    /// Whether the work should stop: cancelled, or past its deadline.
    pub fn is_cancelled(&self) -> bool {
        self.inner.cancelled.load(Ordering::Relaxed)
            || self.inner.deadline.is_some_and(|d| Instant::now() >= d)
    }

    /// Whether the deadline (not a [`Token::cancel`] call) is what stops the work.
    pub fn timed_out(&self) -> bool {
        !self.inner.cancelled.load(Ordering::Relaxed)
            && self.inner.deadline.is_some_and(|d| Instant::now() >= d)
    }

    /// Stops the work, unwinding with [`Cancelled`], when it should stop. Call only from work run
    /// under [`Token::run`] (every `impasse-app` entry does).
    pub fn checkpoint(&self) {
        if self.is_cancelled() {
            resume_unwind(Box::new(Cancelled));
        }
    }

    /// Starts counting `total` units of `unit` (resets the count to `done`).
    pub fn start(&self, unit: &'static str, done: u64, total: u64) {
        let _ = self.inner.unit.set(unit);
        self.inner.total.store(total, Ordering::Relaxed);
        self.inner.done.store(done, Ordering::Relaxed);
        self.report();
    }

    /// Counts `n` more units done, tells the watcher, and stops if cancelled.
    pub fn advance(&self, n: u64) {
        self.inner.done.fetch_add(n, Ordering::Relaxed);
        self.report();
        self.checkpoint();
    }

    /// How far the work has come.
    pub fn progress(&self) -> Progress {
        Progress {
            done: self.inner.done.load(Ordering::Relaxed),
            total: self.inner.total.load(Ordering::Relaxed),
            unit: self.inner.unit.get().copied().unwrap_or(""),
        }
    }

    fn report(&self) {
        if let Some(callback) = &self.inner.callback {
            callback(self.progress());
        }
    }

    /// Runs `work`, turning a [`Cancelled`] unwind into [`AppError::Cancelled`] (or
    /// [`AppError::TimedOut`] when the deadline stopped it); other panics go on unwinding.
    ///
    /// # Errors
    ///
    /// `work`'s own error, or the stop.
    pub fn run<T>(&self, work: impl FnOnce() -> Result<T, AppError>) -> Result<T, AppError> {
        match catch_unwind(AssertUnwindSafe(work)) {
            Ok(result) => result,
            Err(payload) if payload.downcast_ref::<Cancelled>().is_some() => {
                Err(if self.timed_out() { AppError::TimedOut } else { AppError::Cancelled })
            }
            Err(payload) => resume_unwind(payload),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cancel_stops_work_at_a_checkpoint_even_inside_rayon() {
        use rayon::prelude::*;
        let token = Token::new();
        let t = token.clone();
        let out = token.run(|| {
            (0..1000u64).into_par_iter().for_each(|k| {
                if k == 10 {
                    t.cancel();
                }
                t.checkpoint();
            });
            Ok(())
        });
        assert!(matches!(out, Err(AppError::Cancelled)));
    }

    #[test]
    fn deadline_reports_a_time_out_and_progress_is_counted() {
        let seen = Arc::new(AtomicU64::new(0));
        let s = seen.clone();
        let token = Token::with_progress(Some(Duration::ZERO), move |p| {
            s.store(p.done, Ordering::Relaxed);
        });
        token.start("runs", 0, 10);
        let out = token.run(|| {
            token.advance(3);
            Ok(())
        });
        assert!(matches!(out, Err(AppError::TimedOut)));
        assert_eq!(seen.load(Ordering::Relaxed), 3);
        assert_eq!(token.progress(), Progress { done: 3, total: 10, unit: "runs" });
    }

    #[test]
    fn other_panics_go_on_unwinding() {
        let token = Token::new();
        let caught = catch_unwind(AssertUnwindSafe(|| {
            token.run(|| -> Result<(), AppError> { panic!("bug") })
        }));
        assert!(caught.is_err());
    }
}
