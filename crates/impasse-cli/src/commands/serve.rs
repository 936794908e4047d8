//! `impasse serve [--port P] [--host H] [--data DIR]`.

use std::net::SocketAddr;
use std::process::ExitCode;

use anyhow::Context;
use impasse_server::{Limits, ServerConfig};

use crate::args::ServeArgs;

pub(crate) fn run(args: &ServeArgs) -> anyhow::Result<ExitCode> {
    let data_dir = match &args.data {
        Some(dir) => dir.clone(),
        None => impasse_server::default_data_dir().context(
            "cannot find a data folder: set --data, $IMPASSE_DATA, $XDG_DATA_HOME or $HOME",
        )?,
    };
    let config = ServerConfig {
        addr: SocketAddr::new(args.host, args.port),
        data_dir,
        limits: Limits::default(),
    };
    impasse_server::serve_blocking(config)?;
    Ok(ExitCode::SUCCESS)
}
