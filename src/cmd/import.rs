//! `vigie import`: a vigie site from a cState site or a Statuspage page. The reading, the
//! mapping and the writing are `crate::import`'s; this prints the report, then reads the
//! site back as `vigie check` does.

use std::path::PathBuf;

use chrono_tz::Tz;

use crate::error::Error;
use crate::import::{self, cstate, statuspage};
use crate::load::{load, LoadOptions};

/// What to import from.
#[derive(Debug, Clone)]
pub enum ImportSource {
    /// A cState site's folder; dates without a zone are read in `timezone`.
    Cstate { src: PathBuf, timezone: Tz },
    /// Page addresses, API files or folders of them.
    Statuspage { sources: Vec<String> },
}

/// Options of `vigie import`.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    pub source: ImportSource,
    pub into: PathBuf,
    pub dry_run: bool,
    pub force: bool,
}

/// Runs `vigie import`: prints the report; the files that could not be read, the files
/// kept because they differ, and whatever the site then has wrong are errors.
pub fn run(options: &ImportOptions) -> Result<(), Error> {
    let read = match &options.source {
        ImportSource::Cstate { src, timezone } => cstate::read(src, *timezone)?,
        ImportSource::Statuspage { sources } => statuspage::read(sources)?,
    };
    let outcome = import::write(
        read,
        &import::Options {
            into: options.into.clone(),
            dry_run: options.dry_run,
            force: options.force,
        },
    )?;
    print!(
        "{}",
        outcome
            .report
            .render(&options.into.display().to_string(), options.dry_run)
    );
    let mut errors = outcome.errors;
    if !options.dry_run {
        // The site as `vigie check` reads it, drafts included: what was there before
        // may clash with what was added (two files giving one id).
        if let Err(e) = load(&options.into, &LoadOptions { drafts: true }) {
            match e {
                Error::Content(mut d) => errors.append(&mut d),
                other => return Err(other),
            }
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(Error::Content(errors))
    }
}
