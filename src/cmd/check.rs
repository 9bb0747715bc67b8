//! `vigie check`: every stage but the write, so that every error of the site is reported
//! and nothing is written.

use std::path::PathBuf;

use chrono::{DateTime, Utc};

use crate::derive::warnings::warnings;
use crate::error::{print_warnings, Error};
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
    print_warnings(&warnings(&site, options.now));
    println!(
        "ok: {} incidents, {} components, {} files would be written; no errors",
        site.incidents.len(),
        site.config.components.len(),
        files.len()
    );
    Ok(())
}
