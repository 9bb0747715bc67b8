//! `vigie receive`: the webhook endpoint of [`crate::ingest::receive`], and the command
//! run after each change (`--then`).

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::clock::resolve_now;
use crate::error::Error;
use crate::ingest::receive::Endpoint;

/// Options of `vigie receive`.
#[derive(Debug, Clone)]
pub struct ReceiveOptions {
    pub root: PathBuf,
    pub listen: SocketAddr,
    /// The bearer token requests must carry (read from the environment variable named by
    /// `--token-env`).
    pub token: String,
    /// A shell command run after each change, in the site's folder.
    pub then: Option<String>,
}

/// The token held by the environment variable `name`: set and not blank.
pub fn token_from_env(name: &str) -> Result<String, Error> {
    match std::env::var(name) {
        Ok(t) if !t.trim().is_empty() => Ok(t.trim().to_string()),
        _ => Err(Error::Usage(format!(
            "--token-env {name}: the environment variable `{name}` is not set or is empty; set it to a long random secret (e.g. `export {name}=$(openssl rand -hex 32)`) and give the same to the sender"
        ))),
    }
}

/// Runs `vigie receive` until stopped.
pub fn run(options: &ReceiveOptions) -> Result<(), Error> {
    crate::load::load_config(&options.root)?;
    let endpoint = Endpoint::listen(options.listen, options.token.clone())?;
    let addr = endpoint.addr().unwrap_or(options.listen);
    if !addr.ip().is_loopback() {
        eprintln!("warning: listening on {addr}, beyond this machine: put it behind HTTPS");
    }
    println!(
        "receiving on http://{addr}/ (POST /alertmanager, /uptime-kuma, /json); press Ctrl-C to stop"
    );
    let mut changed = |file: &Path| {
        if let Some(cmd) = &options.then {
            then(&options.root, cmd, file);
        }
    };
    endpoint.run(&options.root, &|| resolve_now(None), &mut changed);
    Ok(())
}

/// Runs `cmd` with `sh -c` in `root`, the changed file (relative to `root`) in
/// `$VIGIE_CHANGED` and as `$1`; says how it ended.
fn then(root: &Path, cmd: &str, file: &Path) {
    let status = Command::new("sh")
        .arg("-c")
        .arg(cmd)
        .arg("vigie-receive")
        .arg(file)
        .env("VIGIE_CHANGED", file)
        .current_dir(root)
        .status();
    match status {
        Ok(s) if s.success() => println!("--then: done for {}", file.display()),
        Ok(s) => eprintln!("warning: --then failed ({s}) for {}", file.display()),
        Err(e) => eprintln!("warning: --then could not run: {e}"),
    }
}
