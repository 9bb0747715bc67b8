//! `vigie ingest FORMAT`: one webhook body from standard input applied to the site
//! ([`crate::ingest`]).

use std::io::Read as _;
use std::path::PathBuf;

use chrono::{DateTime, Utc};

use crate::error::Error;
use crate::ingest::{ingest, Failure, Format, MAX_BODY};

/// Options of `vigie ingest`.
#[derive(Debug, Clone)]
pub struct IngestOptions {
    pub root: PathBuf,
    pub format: Format,
    /// The moment the alert is received: what "ongoing" is judged against.
    pub now: DateTime<Utc>,
}

/// Runs `vigie ingest`: reads the body, says what it did (and what it could not use).
pub fn run(options: &IngestOptions) -> Result<(), Error> {
    let mut body = Vec::new();
    std::io::stdin()
        .lock()
        .take(MAX_BODY as u64 + 1)
        .read_to_end(&mut body)
        .map_err(|e| Error::io(std::path::Path::new("<stdin>"), e))?;
    match ingest(&options.root, options.format, &body, options.now) {
        Ok(done) => {
            println!("{}", done.outcome);
            for note in &done.notes {
                eprintln!("note: {note}");
            }
            Ok(())
        }
        Err(Failure::Malformed(m)) => Err(Error::Refused(format!(
            "{m}\n  = help: `vigie ingest {}` reads one webhook body on standard input (docs/monitoring.md); nothing was written",
            options.format.keyword()
        ))),
        Err(Failure::Site(e)) => Err(e),
    }
}
