//! impasse's local web app: a scenario library stored in SQLite, a JSON API over the same library
//! calls as the command line, and a page (hand-written HTML, CSS and JavaScript embedded in the
//! binary: no build step, no network at run time).
//!
//! - [`AppState::open`] opens the library in a data folder; [`router`] is the whole app as an
//!   [`axum::Router`]; [`serve`] (or [`serve_blocking`]) binds an address and serves it.
//! - The API is described by the OpenAPI document served at `GET /api/openapi.json`; the page is
//!   at `GET /`. `docs/web-app.md` describes both, the limits and the storage.
//! - Every bad request gets a 4xx with a JSON body `{"error": {"status", "code", "message"}}`
//!   (plus `"errors"`, located, for invalid scenario texts); CPU work runs off the async threads
//!   behind a semaphore with a time limit; tournaments are cancellable jobs.
//! - Every route decodes its request, calls one `impasse-app` entry and encodes the typed report:
//!   the negotiation, dynamics and check answers are the JSON the CLI prints for the same input.

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Semaphore;

mod api;
mod assets;
mod bodies;
mod error;
mod jobs;
mod names;
mod openapi;
mod source;
pub mod store;
mod work;

pub use api::{ROUTES, router};
pub use error::ServerError;
pub use source::TEMPLATE;
pub use store::Store;

/// The default port of `impasse serve`.
pub const DEFAULT_PORT: u16 = 8417;

/// The limits the server enforces.
#[derive(Clone, Debug)]
pub struct Limits {
    /// The largest request body, in bytes (413 above).
    pub max_body_bytes: usize,
    /// Computations (analyses, negotiations, dynamics, tournament set-up) run at once.
    pub workers: usize,
    /// How long a computation waits for a free worker before the request is refused (429).
    pub queue_timeout: Duration,
    /// How long one computation may run before it is stopped (422).
    pub work_timeout: Duration,
    /// How long any request may take in all (408 after).
    pub request_timeout: Duration,
    /// The largest outcome space analysed (after merging interchangeable values).
    pub max_outcomes: u64,
    /// The most Monte Carlo replications per dynamics model.
    pub max_runs: u64,
    /// The largest step deadline of a negotiation.
    pub max_steps: u32,
    /// The largest outcome space negotiated over (each negotiation or tournament scenario holds
    /// every party's utility of every outcome in memory).
    pub max_negotiation_outcomes: u64,
    /// The most negotiations in one tournament.
    pub max_tournament_negotiations: u64,
    /// Tournaments running at once (429 beyond).
    pub max_running_jobs: usize,
    /// How long a tournament may run before it is stopped (status `timed_out`).
    pub job_timeout: Duration,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            max_body_bytes: 4 * 1024 * 1024,
            workers: 2,
            queue_timeout: Duration::from_secs(30),
            work_timeout: Duration::from_secs(60),
            request_timeout: Duration::from_secs(120),
            max_outcomes: 20_000_000,
            max_runs: 1_000_000,
            max_steps: 10_000,
            max_negotiation_outcomes: 1 << 22,
            max_tournament_negotiations: 1_000_000,
            max_running_jobs: 2,
            job_timeout: Duration::from_secs(600),
        }
    }
}

/// How to run the server.
#[derive(Clone, Debug)]
pub struct ServerConfig {
    /// The address to listen on (port 0: any free port; the one chosen is printed).
    pub addr: SocketAddr,
    /// The data folder (created if needed); the library is `impasse.db` inside.
    pub data_dir: PathBuf,
    /// The limits.
    pub limits: Limits,
}

impl ServerConfig {
    /// Listening on 127.0.0.1 at `port`, with the default limits.
    pub fn local(port: u16, data_dir: PathBuf) -> ServerConfig {
        ServerConfig {
            addr: SocketAddr::from(([127, 0, 0, 1], port)),
            data_dir,
            limits: Limits::default(),
        }
    }
}

/// The default data folder: `$IMPASSE_DATA`, else `$XDG_DATA_HOME/impasse`, else
/// `~/.local/share/impasse`; `None` when none of these can be found.
pub fn default_data_dir() -> Option<PathBuf> {
    let var = |name: &str| std::env::var_os(name).filter(|v| !v.is_empty()).map(PathBuf::from);
    var("IMPASSE_DATA")
        .or_else(|| var("XDG_DATA_HOME").map(|d| d.join("impasse")))
        .or_else(|| var("HOME").map(|h| h.join(".local").join("share").join("impasse")))
}

/// What every request handler shares.
#[derive(Debug)]
struct Inner {
    store: Store,
    limits: Limits,
    pool: work::Pool,
    jobs: jobs::Jobs,
}

/// The state of the app: the library, the limits, the worker pool and the jobs.
#[derive(Clone, Debug)]
pub struct AppState {
    inner: Arc<Inner>,
    /// Whether requests may name any host; otherwise only `localhost` and loopback addresses are
    /// accepted in `Host`.
    any_host: bool,
}

impl AppState {
    /// Opens the library in `data_dir` (see [`Store::open`]) with the default limits.
    ///
    /// # Errors
    ///
    /// When the library cannot be opened or is damaged.
    pub fn open(data_dir: &Path) -> Result<AppState, ServerError> {
        AppState::open_with(data_dir, Limits::default())
    }

    /// Opens the library in `data_dir` with `limits`.
    ///
    /// # Errors
    ///
    /// When the library cannot be opened or is damaged.
    pub fn open_with(data_dir: &Path, limits: Limits) -> Result<AppState, ServerError> {
        let store = Store::open(data_dir)?;
        let pool = work::Pool {
            permits: Arc::new(Semaphore::new(limits.workers.max(1))),
            queue_timeout: limits.queue_timeout,
            work_timeout: limits.work_timeout,
        };
        let jobs = jobs::Jobs::new(limits.max_running_jobs.max(1), limits.job_timeout);
        Ok(AppState { inner: Arc::new(Inner { store, limits, pool, jobs }), any_host: false })
    }

    /// Accepts any `Host` header (for a server listening beyond the loopback interface; by
    /// default only `localhost` and loopback addresses are accepted, against DNS rebinding).
    #[must_use]
    pub fn allowing_any_host(mut self) -> AppState {
        self.any_host = true;
        self
    }

    /// The scenario library.
    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    /// The limits.
    pub fn limits(&self) -> &Limits {
        &self.inner.limits
    }
}

/// Binds `config.addr`, prints the URL on stderr (`impasse: serving http://127.0.0.1:PORT/`, with
/// the real port when `config.addr` asks for port 0) and serves the app until Ctrl-C.
///
/// # Errors
///
/// When the library cannot be opened, the address cannot be bound, or serving fails.
pub async fn serve(config: ServerConfig) -> Result<(), ServerError> {
    use std::io::Write as _;
    let mut state = AppState::open_with(&config.data_dir, config.limits.clone())?;
    if !config.addr.ip().is_loopback() {
        state = state.allowing_any_host();
    }
    let listener = tokio::net::TcpListener::bind(config.addr).await.map_err(|source| {
        ServerError::Io { context: format!("cannot listen on {}", config.addr), source }
    })?;
    let addr = listener.local_addr().map_err(|source| ServerError::Io {
        context: "cannot read the address listened on".to_owned(),
        source,
    })?;
    {
        let mut stderr = std::io::stderr().lock();
        let _ = writeln!(stderr, "impasse: serving http://{addr}/");
        let _ = writeln!(stderr, "impasse: library {}", state.store().path().display());
        let _ = stderr.flush();
    }
    axum::serve(listener, router(state))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .map_err(|source| ServerError::Io { context: "serving failed".to_owned(), source })
}

/// [`serve`] on a runtime of its own, for callers without one (the command line).
///
/// # Errors
///
/// As [`serve`], and when the runtime cannot be started.
pub fn serve_blocking(config: ServerConfig) -> Result<(), ServerError> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_name("impasse-server")
        .build()
        .map_err(|source| ServerError::Io {
            context: "cannot start the runtime".to_owned(),
            source,
        })?;
    runtime.block_on(serve(config))
}
