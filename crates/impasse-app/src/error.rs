//! What an application call can fail with; each front end maps it to its own vocabulary (exit
//! code 2 and stderr, an HTTP status and a JSON error body, a Python exception).

use impasse_format::Diagnostics;

/// Why an `impasse-app` call did not produce its report.
///
/// Messages speak of the model and the request's fields (`steps`, `runs`), never of a front end's
/// flags: the CLI and the server add theirs.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum AppError {
    /// The scenario does not read: every located problem (file, line, column, what was expected).
    #[error("{diagnostics}")]
    Scenario {
        /// Where the scenario came from (a path or a name), for the summary line.
        origin: String,
        /// The problems.
        diagnostics: Diagnostics,
    },
    /// A request argument is out of range or unknown (HTTP 400, Python `ValueError`).
    #[error("{0}")]
    Invalid(String),
    /// A request field is out of range or unknown; front ends name it their way (the CLI as a
    /// flag, the server as a JSON field, Python as a keyword argument).
    #[error("{field}: {message}")]
    Field {
        /// The request field (`steps`, `runs`, `stalemate`, `agents`, `model`, `sweep`, …).
        field: &'static str,
        /// What is wrong with it.
        message: String,
    },
    /// The request is well formed but the model cannot answer it (HTTP 422): too large, no
    /// conflict model, not negotiable.
    #[error("{message}")]
    Unprocessable {
        /// A stable machine-readable code (`too_large`, `cannot_negotiate`, `cannot_simulate`, …).
        code: &'static str,
        /// What is wrong, in a sentence.
        message: String,
    },
    /// The work was cancelled ([`crate::Token::cancel`]).
    #[error("the work was cancelled")]
    Cancelled,
    /// The work passed its deadline ([`crate::Token::with_deadline`]).
    #[error("the work took longer than its time limit and was stopped")]
    TimedOut,
    /// Reading or writing a file.
    #[error("cannot {action} {path}: {source}")]
    Io {
        /// What was being done ("read", "write", "create the folder", …).
        action: &'static str,
        /// The file.
        path: String,
        /// What went wrong.
        #[source]
        source: std::io::Error,
    },
}

impl AppError {
    /// An [`AppError::Unprocessable`].
    pub fn unprocessable(code: &'static str, message: impl Into<String>) -> AppError {
        AppError::Unprocessable { code, message: message.into() }
    }

    /// An [`AppError::Field`].
    pub fn field(field: &'static str, message: impl Into<String>) -> AppError {
        AppError::Field { field, message: message.into() }
    }

    /// An [`AppError::Invalid`].
    pub fn invalid(message: impl Into<String>) -> AppError {
        AppError::Invalid(message.into())
    }

    /// An [`AppError::Io`]: `action` (a verb: "read", "write", …) on `path` failed.
    pub fn io<'a>(
        action: &'static str,
        path: &'a std::path::Path,
    ) -> impl FnOnce(std::io::Error) -> AppError + 'a {
        move |source| AppError::Io { action, path: path.display().to_string(), source }
    }

    /// Creates the folder `dir` (and its parents), refusing a path that exists and is not a
    /// folder with an error that says so.
    ///
    /// # Errors
    ///
    /// [`AppError::Invalid`] for a path that is a file, [`AppError::Io`] otherwise.
    pub fn create_folder(dir: &std::path::Path) -> Result<(), AppError> {
        if dir.exists() && !dir.is_dir() {
            return Err(AppError::Invalid(format!(
                "{}: exists and is not a folder; give a folder (it is created if missing)",
                dir.display()
            )));
        }
        std::fs::create_dir_all(dir).map_err(AppError::io("create the folder", dir))
    }
}
