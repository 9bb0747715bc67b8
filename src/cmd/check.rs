//! `vigie check`: every stage but the write, so that every error of the site is reported
//! and nothing is written.

use std::path::PathBuf;

use chrono::{DateTime, Utc};

use crate::error::Error;
use crate::pipeline::generate;

/// Options of `vigie check`.
#[derive(Debug, Clone)]
pub struct CheckOptions {
    pub root: PathBuf,
    pub now: DateTime<Utc>,
}

/// Runs `vigie check` and says what a build would do.
pub fn run(options: &CheckOptions) -> Result<(), Error> {
    let (site, files) = generate(&options.root, options.now, true, None)?;
    println!(
        "ok: {} incidents, {} components, {} files would be written; no errors",
        site.incidents.len(),
        site.config.components.len(),
        files.len()
    );
    Ok(())
}
