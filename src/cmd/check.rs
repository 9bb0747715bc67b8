//! `vigie check`: every stage but the write, so that every error of the site is reported
//! and nothing is written.

use std::path::PathBuf;

use chrono::{DateTime, Utc};

use crate::derive::warnings::warnings;
use crate::error::{print_warnings, Diagnostic, Error};
use crate::model::Config;
use crate::notify::channel::missing_env;
use crate::pipeline::generate;

/// Options of `vigie check`.
#[derive(Debug, Clone)]
pub struct CheckOptions {
    pub root: PathBuf,
    pub now: DateTime<Utc>,
}

/// Runs `vigie check`: prints the warnings, then says what a build would do.
pub fn run(options: &CheckOptions) -> Result<(), Error> {
    let (site, files) = generate(&options.root, options.now, true, None)?;
    let mut found = warnings(&site, options.now);
    found.extend(missing_secrets(&site.config));
    print_warnings(&found);
    println!(
        "ok: {} incidents, {} components, {} files would be written; no errors",
        site.incidents.len(),
        site.config.components.len(),
        files.len()
    );
    Ok(())
}

/// A warning for each environment variable `notify` names that is not set here: `vigie
/// notify` would fail on its channel.
fn missing_secrets(config: &Config) -> Vec<Diagnostic> {
    let Some(notify) = &config.notify else {
        return Vec::new();
    };
    missing_env(notify)
        .into_iter()
        .map(|(channel, name)| {
            Diagnostic::file(
                "site.yaml",
                format!("the `{channel}` channel of `notify` reads `{name}`, which is not set"),
            )
            .with_help(format!(
                "set `{name}` in the environment `vigie notify` runs in (a CI secret); `vigie notify` fails on this channel without it"
            ))
        })
        .collect()
}
