//! CPU work off the async threads: behind a semaphore, with a time limit, cancelled when the
//! client goes away or the limit passes.
//!
//! Work is stopped through the application layer's token ([`impasse_app::Token`]): its
//! `checkpoint` unwinds with an [`impasse_app::Cancelled`] payload, which rayon carries to the
//! blocking task and [`run`] turns into a clear error. `resume_unwind` calls no panic hook
//! (and rayon re-raises a worker's unwind with it too), so these stops leave no trace in the log;
//! any other panic is reported as usual and answered with a 500.

use std::sync::Arc;
use std::time::Duration;

use impasse_app::Cancelled;

use tokio::sync::Semaphore;

use crate::error::ApiError;

/// The cancellation token of a request's work: the application layer's, with the work's
/// deadline.
pub(crate) type Cancel = impasse_app::Token;

/// Sets the cancellation flag when dropped (when the request's future is dropped because the
/// client went away).
struct CancelOnDrop(Cancel);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.cancel();
    }
}

/// The limits of CPU work.
#[derive(Clone, Debug)]
pub(crate) struct Pool {
    pub(crate) permits: Arc<Semaphore>,
    pub(crate) queue_timeout: Duration,
    pub(crate) work_timeout: Duration,
}

/// Runs `work` on the blocking pool once a permit is free, within the time limit.
///
/// Errors: 429 when no permit frees up within the queue time-out; 422 when the work takes longer
/// than the limit (it is cancelled); the work's own error otherwise; 500 for a panic (a bug).
pub(crate) async fn run<T, F>(pool: &Pool, what: &str, work: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&Cancel) -> Result<T, ApiError> + Send + 'static,
{
    let permit = match tokio::time::timeout(
        pool.queue_timeout,
        pool.permits.clone().acquire_owned(),
    )
    .await
    {
        Ok(Ok(permit)) => permit,
        Ok(Err(_)) | Err(_) => {
            return Err(ApiError::busy(format!(
                "the server is busy with other computations (waited {} s for a free worker); \
                     try again shortly",
                pool.queue_timeout.as_secs()
            )));
        }
    };
    let cancel = Cancel::with_deadline(pool.work_timeout);
    let guard = CancelOnDrop(cancel.clone());
    let inner = cancel.clone();
    let handle = tokio::task::spawn_blocking(move || {
        let _permit = permit;
        work(&inner)
    });
    let too_slow = || {
        ApiError::unprocessable(
            "too_slow",
            format!(
                "{what} took longer than the limit of {} s and was stopped; ask for less work \
                 (fewer runs, a shorter horizon, fewer agents or scenarios, a smaller space)",
                pool.work_timeout.as_secs()
            ),
        )
    };
    let result = match tokio::time::timeout(pool.work_timeout, handle).await {
        Ok(Ok(Err(ApiError { code: "too_slow", .. }))) => Err(too_slow()),
        Ok(Ok(result)) => result,
        Ok(Err(join)) if join.is_panic() => {
            let payload = join.into_panic();
            if payload.downcast_ref::<Cancelled>().is_some() {
                Err(too_slow())
            } else {
                let message = payload
                    .downcast_ref::<&str>()
                    .map(|s| (*s).to_owned())
                    .or_else(|| payload.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "unknown".to_owned());
                Err(ApiError::internal(format!("{what} failed unexpectedly (a bug): {message}")))
            }
        }
        Ok(Err(_)) => Err(ApiError::internal(format!("{what} was aborted"))),
        Err(_) => {
            cancel.cancel();
            Err(too_slow())
        }
    };
    drop(guard);
    result
}
