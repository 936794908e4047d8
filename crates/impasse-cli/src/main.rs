//! The `impasse` command-line tool: argument parsing and exit codes; the work is in the libraries.

use std::process::ExitCode;

use clap::Parser;

mod args;
mod commands;

fn main() -> ExitCode {
    let args = args::Cli::parse();
    match commands::run(args) {
        Ok(code) => code,
        Err(err) => {
            if is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            #[allow(clippy::print_stderr, reason = "the binary reports its errors on stderr")]
            {
                eprintln!("{}", message(&err));
            }
            ExitCode::from(2)
        }
    }
}

/// An error and its causes on one line, each cause once: a cause whose text its parent's message
/// already holds (an OS error wrapped with its own text) is not repeated.
fn message(err: &anyhow::Error) -> String {
    let mut out = String::new();
    for cause in err.chain() {
        let text = cause.to_string();
        if out.contains(&text) {
            continue;
        }
        if !out.is_empty() {
            out.push_str(": ");
        }
        out.push_str(&text);
    }
    let out = impasse_report::safe::terminal_safe(&out).into_owned();
    if out.starts_with("error: ") { out } else { format!("error: {out}") }
}

/// A closed pipe (`impasse analyze … | head`) is not an error (ripgrep's rule).
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
